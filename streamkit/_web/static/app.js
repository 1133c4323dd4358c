// streamkit live view: follows /events (JSON patches over Server-Sent Events) and draws the
// stream's document. Plain JavaScript, no build step, nothing fetched from elsewhere.
//
// Safety: every piece of stream text reaches the page as a text node or an attribute value
// set through the DOM; nothing built from the stream is ever parsed as HTML. Links are made
// only for http(s) URLs, images only from data: URLs of image types.
"use strict";

(function () {
  // ---------------------------------------------------------------- the document and patches

  let doc = {};
  let lastEventId = null;
  let resets = 0; // whole documents received: 1 unless a reconnect could not catch up
  let source = null;
  let drawPending = false;
  let connectionNote = "Connecting to the stream\u2026";

  // The twin of streamkit.apply_patch: set / append / push / remove, paths from the root.
  function applyPatch(document, ops) {
    for (const op of ops) {
      const path = op.path;
      if (op.op === "set" && path.length === 0) {
        document = op.value;
        continue;
      }
      let parent = document;
      for (let i = 0; i < path.length - 1; i++) {
        parent = parent[path[i]];
        if (parent === null || typeof parent !== "object") {
          throw new Error("a patch does not fit the document");
        }
      }
      const key = path[path.length - 1];
      if (op.op === "set") {
        if (Array.isArray(parent) && key === parent.length) parent.push(op.value);
        else parent[key] = op.value;
      } else if (op.op === "append") {
        parent[key] = parent[key] + op.value;
      } else if (op.op === "push") {
        parent[key].push(op.value);
      } else if (op.op === "remove") {
        delete parent[key];
      } else {
        throw new Error("an unknown patch operation");
      }
    }
    return document;
  }

  function over() {
    const state = doc.source && doc.source.state;
    return state === "ended" || state === "failed" || state === "stopped";
  }

  function connect(resume) {
    // A manual reconnect says where it was; EventSource's own reconnects send Last-Event-ID.
    const url = resume && lastEventId ? "events?last_event_id=" + encodeURIComponent(lastEventId) : "events";
    source = new EventSource(url);
    source.addEventListener("reset", function (event) {
      doc = JSON.parse(event.data);
      resets += 1;
      received(event);
    });
    source.addEventListener("patch", function (event) {
      try {
        doc = applyPatch(doc, JSON.parse(event.data));
      } catch (error) {
        // Out of step (should not happen): start again from the whole document.
        lastEventId = null;
        disconnect();
        connect(false);
        return;
      }
      received(event);
    });
    source.addEventListener("open", function () {
      connectionNote = "";
      draw();
    });
    source.addEventListener("error", function () {
      if (over()) {
        disconnect();
      } else {
        connectionNote = "Connection lost; reconnecting\u2026";
        if (source !== null && source.readyState === EventSource.CLOSED) {
          // The browser gave up (an error status): try again ourselves, from where we were.
          disconnect();
          window.setTimeout(function () { if (source === null) connect(true); }, 2000);
        }
      }
      draw();
    });
  }

  function received(event) {
    lastEventId = event.lastEventId;
    connectionNote = "";
    if (over()) disconnect(); // everything came: no reconnecting once the server closes
    draw();
  }

  function disconnect() {
    if (source !== null) {
      source.close();
      source = null;
    }
  }

  function draw() {
    if (!drawPending) {
      drawPending = true;
      window.requestAnimationFrame(render);
    }
  }

  // For tests and for people: the state, and a way to drop and resume the connection.
  window.streamkitView = {
    get document() { return doc; },
    get lastEventId() { return lastEventId; },
    get resets() { return resets; },
    get connected() { return source !== null; },
    disconnect: disconnect,
    reconnect: function () { disconnect(); connect(true); },
  };

  // ---------------------------------------------------------------- DOM helpers

  function h(tag, attributes) {
    const element = document.createElement(tag);
    if (attributes) {
      for (const name of Object.keys(attributes)) {
        const value = attributes[name];
        if (value === null || value === undefined || value === false) continue;
        if (name === "class") element.className = value;
        else element.setAttribute(name, value === true ? "" : String(value));
      }
    }
    for (let i = 2; i < arguments.length; i++) add(element, arguments[i]);
    return element;
  }

  function add(element, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) {
      for (const each of child) add(element, each);
    } else if (typeof child === "string" || typeof child === "number") {
      element.appendChild(document.createTextNode(String(child)));
    } else {
      element.appendChild(child);
    }
  }

  function isText(value) {
    return typeof value === "string";
  }

  function str(value) {
    return isText(value) ? value : "";
  }

  function number(value) {
    return typeof value === "number" ? value.toLocaleString("en-US") : "?";
  }

  function plural(count, noun) {
    return count + " " + noun + (count === 1 ? "" : "s");
  }

  function safeId(text) {
    return String(text).replace(/[^A-Za-z0-9_-]/g, "_");
  }

  // A link for an http(s) URL, else the URL as text: no javascript:, data: or other schemes.
  function link(url, label) {
    if (isText(url) && /^https?:\/\//i.test(url)) {
      return h("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank" }, label || url);
    }
    return h("span", { class: "url" }, label || str(url));
  }

  // An <img> only for a data: URL of an image type; else a line naming where it is.
  function image(url, alt) {
    if (isText(url) && /^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$/i.test(url)) {
      return h("img", { src: url, alt: alt, class: "picture", loading: "lazy" });
    }
    if (isText(url) && url.startsWith("data:")) {
      return h("p", { class: "muted" }, alt + " (" + url.length.toLocaleString("en-US") + " characters of data, not shown)");
    }
    return h("p", { class: "file" }, alt + ": ", link(url));
  }

  function base64Image(b64, format, alt) {
    const type = /^(png|jpeg|webp|gif)$/.test(format || "") ? format : "png";
    return image("data:image/" + type + ";base64," + str(b64), alt);
  }

  function badge(status) {
    if (!isText(status) || !status) return null;
    return h("span", { class: "badge status-" + safeId(status) }, status.replace(/_/g, " "));
  }

  function labelled(label, content, extraClass) {
    return h("div", { class: "field" + (extraClass ? " " + extraClass : "") }, h("span", { class: "label" }, label), content);
  }

  // ---------------------------------------------------------------- highlighting

  const PY_KEYWORDS = new Set(("False None True and as assert async await break case class continue def del elif else " +
    "except finally for from global if import in is lambda match nonlocal not or pass raise return try while with yield").split(" "));
  const PY_BUILTINS = new Set(("abs all any bool dict enumerate filter float format int isinstance len list map max min " +
    "open print range repr round set sorted str sum super tuple type zip").split(" "));
  // Comments, strings (prefixed, triple-quoted, or cut off while streaming), numbers, names.
  const PY_TOKEN = new RegExp(
    "(#[^\\r\\n]*)" +
      "|((?:\\b[rRbBuUfF]{1,2})?(?:\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)|\"(?:\\\\.|[^\"\\\\\\r\\n])*(?:\"|$)|'(?:\\\\.|[^'\\\\\\r\\n])*(?:'|$)))" +
      "|(\\b(?:0[xXoObB][0-9a-fA-F_]+|\\d[\\d_]*\\.?\\d*(?:[eE][+-]?\\d+)?j?)\\b)" +
      "|(@[A-Za-z_][\\w.]*)" +
      "|([A-Za-z_]\\w*)",
    "g");

  function tokens(text, pattern, classify) {
    const fragment = document.createDocumentFragment();
    let at = 0;
    pattern.lastIndex = 0;
    let match;
    while ((match = pattern.exec(text)) !== null) {
      if (match[0] === "") {
        pattern.lastIndex++;
        continue;
      }
      const kind = classify(match);
      if (kind === null) continue;
      if (match.index > at) fragment.appendChild(document.createTextNode(text.slice(at, match.index)));
      fragment.appendChild(h("span", { class: "tok-" + kind }, match[0]));
      at = match.index + match[0].length;
    }
    if (at < text.length) fragment.appendChild(document.createTextNode(text.slice(at)));
    return fragment;
  }

  function highlightPython(code) {
    return tokens(code, PY_TOKEN, function (m) {
      if (m[1]) return "comment";
      if (m[2]) return "string";
      if (m[3]) return "number";
      if (m[4]) return "decorator";
      if (m[5]) return PY_KEYWORDS.has(m[5]) ? "keyword" : PY_BUILTINS.has(m[5]) ? "builtin" : null;
      return null;
    });
  }

  const JSON_TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b/g;

  function highlightJson(text) {
    const fragment = document.createDocumentFragment();
    let at = 0;
    JSON_TOKEN.lastIndex = 0;
    let match;
    while ((match = JSON_TOKEN.exec(text)) !== null) {
      if (match.index > at) fragment.appendChild(document.createTextNode(text.slice(at, match.index)));
      if (match[1]) {
        fragment.appendChild(h("span", { class: match[2] ? "tok-key" : "tok-string" }, match[1]));
        if (match[2]) fragment.appendChild(document.createTextNode(match[2]));
      } else {
        fragment.appendChild(h("span", { class: match[3] ? "tok-number" : "tok-keyword" }, match[0]));
      }
      at = match.index + match[0].length;
    }
    if (at < text.length) fragment.appendChild(document.createTextNode(text.slice(at)));
    return fragment;
  }

  function highlightDiff(text) {
    const fragment = document.createDocumentFragment();
    const lines = text.split("\n");
    lines.forEach(function (line, index) {
      const kind = line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "added" : line.startsWith("-") ? "removed" : null;
      const piece = index < lines.length - 1 ? line + "\n" : line;
      fragment.appendChild(kind ? h("span", { class: "tok-" + kind }, piece) : document.createTextNode(piece));
    });
    return fragment;
  }

  function codeBlock(code, language, label, streaming) {
    const text = str(code);
    const content = language === "python" ? highlightPython(text)
      : language === "json" ? highlightJson(text)
      : language === "diff" ? highlightDiff(text) : text;
    const block = h("pre", { class: "code lang-" + language + (streaming ? " streaming" : ""), tabindex: 0, "aria-label": label },
      h("code", null, content));
    return block;
  }

  // Arguments or input: pretty JSON once they parse (a finished call), else as they stream.
  function argumentsBlock(text, label) {
    const raw = str(text);
    if (!raw) return h("p", { class: "muted" }, "(no " + label.toLowerCase() + " yet)");
    try {
      const value = JSON.parse(raw);
      if (value !== null && typeof value === "object") {
        return codeBlock(JSON.stringify(value, null, 2), "json", label, false);
      }
    } catch (error) {
      // not (yet) JSON: shown as it is
    }
    return codeBlock(raw, "text", label, true);
  }

  // Output text: pretty JSON when it is a JSON object or list, else the text.
  function outputBlock(text, label) {
    const raw = str(text);
    try {
      const value = JSON.parse(raw);
      if (value !== null && typeof value === "object") {
        return codeBlock(JSON.stringify(value, null, 2), "json", label, false);
      }
    } catch (error) {
      // plain text
    }
    return h("pre", { class: "output", tabindex: 0, "aria-label": label }, raw);
  }

  // **Headings** of reasoning summaries in bold (text nodes: the stars are all it reads).
  function bold(text) {
    return text.split(/\*\*([^*\n]+)\*\*/).map(function (piece, index) {
      return index % 2 ? h("strong", null, piece) : piece;
    });
  }

  // ---------------------------------------------------------------- message text and citations

  // Text with its annotations: cited spans marked, each with a numbered reference to a
  // footnote under the text. Indexes count code points, as the API does.
  function citedText(text, annotations, cardKey, protocol) {
    const chars = Array.from(str(text));
    const notes = [];
    const inline = [];
    (annotations || []).forEach(function (annotation) {
      if (!annotation || typeof annotation !== "object") return;
      const note = { annotation: annotation, number: notes.length + 1 };
      notes.push(note);
      let start = annotation.start_index;
      let end = annotation.end_index;
      if (typeof start !== "number" && typeof annotation.index === "number") start = end = annotation.index;
      if (typeof start === "number" && typeof end === "number" && start >= 0 && start <= end && end <= chars.length) {
        inline.push({ start: start, end: end, note: note });
      }
    });
    inline.sort(function (a, b) { return a.start - b.start || a.end - b.end; });
    const body = h("p", { class: "text" });
    const prefix = "note-" + safeId(cardKey) + "-";
    let at = 0;
    for (const span of inline) {
      if (span.start < at) continue; // overlaps the one before: listed under the text only
      if (span.start > at) add(body, chars.slice(at, span.start).join(""));
      const cited = chars.slice(span.start, span.end).join("");
      const annotation = span.note.annotation;
      const marker = protocol === "assistants" && annotation.type === "file_citation" && cited === annotation.text;
      if (cited && !marker) {
        const url = annotation.type === "url_citation" ? annotation.url : null;
        add(body, url && /^https?:\/\//i.test(url) ? link(url, cited) : h("span", { class: "cited" }, cited));
      }
      add(body, h("sup", { class: "ref" },
        h("a", { href: "#" + prefix + span.note.number, id: prefix + "ref-" + span.note.number,
          "aria-label": "citation " + span.note.number }, "[" + span.note.number + "]")));
      at = span.end;
    }
    if (at < chars.length) add(body, chars.slice(at).join(""));
    if (!chars.length) add(body, h("span", { class: "muted" }, "(no text yet)"));
    const parts = [body];
    if (notes.length) {
      parts.push(h("ol", { class: "citations", "aria-label": "Citations" }, notes.map(function (note) {
        return h("li", { id: prefix + note.number }, describeCitation(note.annotation));
      })));
    }
    return parts;
  }

  function describeCitation(annotation) {
    const type = annotation.type;
    if (type === "url_citation") {
      return link(annotation.url, str(annotation.title) || str(annotation.url));
    }
    if (type === "file_citation") {
      const file = annotation.file_citation ? annotation.file_citation.file_id : annotation.file_id;
      // The Assistants marker names the file after its dagger: 【4:0†weather.txt】.
      const marker = /\u2020([^\u3011]*)\u3011$/.exec(str(annotation.text));
      const name = str(annotation.filename) || (marker ? marker[1] : str(annotation.text));
      return [h("span", { class: "cited-name" }, name || "file"), " ", h("span", { class: "file-id" }, str(file))];
    }
    if (type === "container_file_citation") {
      return [h("span", { class: "cited-name" }, str(annotation.filename) || "file"), " ",
        h("span", { class: "file-id" }, str(annotation.file_id))];
    }
    if (type === "file_path") {
      const file = annotation.file_path ? annotation.file_path.file_id : annotation.file_id;
      return [h("span", { class: "cited-name" }, str(annotation.text) || "file"), " ", h("span", { class: "file-id" }, str(file))];
    }
    return str(type) || "annotation";
  }

  // ---------------------------------------------------------------- cards

  function card(key, kind, title, status, body, extra) {
    const headingId = "card-" + safeId(key);
    return h("li", { class: "card kind-" + safeId(kind), "data-key": key },
      h("article", { "aria-labelledby": headingId },
        h("header", { class: "card-head" },
          h("h3", { id: headingId }, h("span", { class: "kind" }, title), " ",
            h("span", { class: "object-id" }, key)),
          badge(status)),
        h("div", { class: "card-body" }, body),
        extra || null));
  }

  // -- Assistants

  function assistantsCards() {
    const messages = {};
    for (const message of doc.messages || []) messages[message.id] = message;
    const shown = new Set();
    const entries = [];
    (doc.run_steps || []).forEach(function (step, index) {
      const details = step.step_details || {};
      if (details.type === "message_creation" && details.message_creation) {
        shown.add(details.message_creation.message_id);
      }
      entries.push({ at: step.created_at, order: index, step: step });
    });
    (doc.messages || []).forEach(function (message, index) {
      if (!shown.has(message.id)) entries.push({ at: message.created_at, order: 100000 + index, message: message });
    });
    // In the order they came: by creation time, the document's order within a second.
    entries.sort(function (a, b) {
      return (typeof a.at === "number" && typeof b.at === "number" && a.at !== b.at) ? a.at - b.at : a.order - b.order;
    });
    return entries.map(function (entry) {
      if (entry.message) {
        const message = entry.message;
        return { key: message.id, data: message, build: function () {
          return card(message.id, "message", "Message", message.status, messageBody(message));
        } };
      }
      const step = entry.step;
      const details = step.step_details || {};
      const message = details.message_creation ? messages[details.message_creation.message_id] : null;
      return { key: step.id, data: [step, message || null], build: function () {
        return stepCard(step, message);
      } };
    });
  }

  function stepCard(step, message) {
    const details = step.step_details || {};
    let title = "Step";
    let body;
    if (details.type === "tool_calls") {
      title = "Tool calls";
      const calls = details.tool_calls || [];
      body = calls.length ? calls.map(function (call) { return toolCall(call, step); })
        : h("p", { class: "muted" }, "(no tool calls yet)");
    } else if (details.type === "message_creation") {
      title = "Message";
      body = message ? messageBody(message)
        : h("p", { class: "muted" }, "message " + str(details.message_creation && details.message_creation.message_id));
    } else {
      body = unknownBody(details);
    }
    const notes = [];
    if (step.usage) notes.push(h("p", { class: "usage" }, tokensAssistants(step.usage)));
    if (step.last_error) notes.push(errorLine(step.last_error));
    return card(step.id, step.type || "step", title, step.status, body, notes.length ? h("footer", { class: "card-foot" }, notes) : null);
  }

  function toolCall(call, step) {
    const running = step.status === "in_progress";
    if (call.type === "code_interpreter") {
      const interpreter = call.code_interpreter || {};
      const parts = [h("h4", null, "Code interpreter ", h("span", { class: "object-id" }, str(call.id)))];
      parts.push(str(interpreter.input) ? codeBlock(interpreter.input, "python", "Code", running)
        : h("p", { class: "muted" }, "(no code yet)"));
      (interpreter.outputs || []).forEach(function (output, index) {
        if (output.type === "logs") {
          parts.push(labelled("Logs", h("pre", { class: "logs", tabindex: 0, "aria-label": "Logs" }, str(output.logs))));
        } else if (output.type === "image") {
          const file = output.image ? output.image.file_id : "";
          parts.push(labelled("Image", h("p", { class: "file" }, h("span", { class: "file-id" }, str(file)),
            h("span", { class: "muted" }, " (a file id: the image itself is not in the stream)"))));
        } else {
          parts.push(labelled(str(output.type) || "output", unknownBody(output)));
        }
      });
      return h("section", { class: "call call-code" }, parts);
    }
    if (call.type === "function") {
      const fn = call.function || {};
      const parts = [h("h4", null, "Function ", h("span", { class: "name" }, str(fn.name)), " ",
        h("span", { class: "object-id" }, str(call.id)))];
      parts.push(labelled("Arguments", argumentsBlock(fn.arguments, "Arguments")));
      if (isText(fn.output)) parts.push(labelled("Output", outputBlock(fn.output, "Output")));
      return h("section", { class: "call call-function" }, parts);
    }
    if (call.type === "file_search") {
      const search = call.file_search || {};
      const parts = [h("h4", null, "File search ", h("span", { class: "object-id" }, str(call.id)))];
      const results = search.results;
      if (!Array.isArray(results)) {
        parts.push(h("p", { class: "muted" }, running ? "searching\u2026" : "(results not included)"));
      } else {
        parts.push(h("p", null, plural(results.length, "result")));
        parts.push(h("ul", { class: "results" }, results.map(function (result) {
          const text = (result.content || []).map(function (c) { return str(c.text); }).join(" ");
          return h("li", null, h("span", { class: "cited-name" }, str(result.file_name) || "file"), " ",
            h("span", { class: "file-id" }, str(result.file_id)),
            typeof result.score === "number" ? h("span", { class: "score" }, " score " + result.score.toFixed(2)) : null,
            text ? h("p", { class: "snippet" }, text) : null);
        })));
      }
      return h("section", { class: "call call-file-search" }, parts);
    }
    return h("section", { class: "call" }, h("h4", null, str(call.type) || "tool call"), unknownBody(call));
  }

  function messageBody(message) {
    const parts = [];
    (message.content || []).forEach(function (block) {
      if (block.type === "text") {
        const text = block.text || {};
        parts.push(citedText(text.value, text.annotations, message.id + "-" + parts.length, "assistants"));
      } else if (block.type === "image_file") {
        parts.push(labelled("Image", h("p", { class: "file" }, h("span", { class: "file-id" }, str(block.image_file && block.image_file.file_id)),
          h("span", { class: "muted" }, " (a file id: the image itself is not in the stream)"))));
      } else if (block.type === "image_url") {
        parts.push(labelled("Image", image(block.image_url && block.image_url.url, "image")));
      } else if (block.type === "refusal") {
        parts.push(h("p", { class: "refusal" }, h("strong", null, "Refusal: "), str(block.refusal)));
      } else {
        parts.push(unknownBody(block));
      }
    });
    if (message.incomplete_details) parts.push(h("p", { class: "warning" }, "incomplete: " + str(message.incomplete_details.reason)));
    return parts.length ? parts : h("p", { class: "muted" }, "(no text yet)");
  }

  function tokensAssistants(usage) {
    return "tokens: " + number(usage.prompt_tokens) + " prompt + " + number(usage.completion_tokens) +
      " completion = " + number(usage.total_tokens);
  }

  function errorLine(error) {
    const code = str(error.code) || str(error.type);
    return h("p", { class: "error" }, h("strong", null, "Error" + (code ? " " + code : "") + ": "), str(error.message));
  }

  function assistantsSummary() {
    const rows = (doc.runs || []).map(function (run) {
      return h("div", { class: "summary-row" },
        h("p", null, h("strong", null, "Run "), h("span", { class: "object-id" }, str(run.id)), " ", badge(run.status),
          isText(run.model) ? h("span", { class: "model" }, " " + run.model) : null),
        run.usage ? h("p", { class: "usage" }, tokensAssistants(run.usage)) : null,
        run.last_error ? errorLine(run.last_error) : null,
        run.incomplete_details ? h("p", { class: "warning" }, "incomplete: " + str(run.incomplete_details.reason)) : null,
        requiredAction(run));
    });
    return rows.length ? rows : h("p", { class: "muted" }, "Waiting for the run\u2026");
  }

  function requiredAction(run) {
    const action = run.required_action;
    const calls = action && action.submit_tool_outputs ? action.submit_tool_outputs.tool_calls || [] : [];
    if (!calls.length) return null;
    return h("div", { class: "warning" }, h("p", null, "Waiting for tool outputs:"),
      h("ul", null, calls.map(function (call) {
        const fn = call.function || {};
        return h("li", null, h("span", { class: "name" }, str(fn.name)), "(", str(fn.arguments), ")");
      })));
  }

  // -- Responses

  function responsesCards() {
    const entries = [];
    for (const response of doc.responses || []) {
      (response.output || []).forEach(function (item, index) {
        const key = str(item.id) || str(item.call_id) || str(response.id) + "-" + index;
        const partial = item.type === "image_generation_call" && doc.partial_images ? doc.partial_images[item.id] : undefined;
        const open = response.status === "in_progress" || response.status === "queued" || !isText(response.status);
        entries.push({ key: key, data: [item, partial || null, open], build: function () {
          return responseItemCard(key, item, partial, open);
        } });
      });
    }
    return entries;
  }

  const ITEM_TITLES = {
    message: "Message", reasoning: "Reasoning", code_interpreter_call: "Code interpreter",
    function_call: "Function call", function_call_output: "Function output", custom_tool_call: "Custom tool call",
    mcp_call: "MCP call", mcp_list_tools: "MCP tools", mcp_approval_request: "MCP approval request",
    web_search_call: "Web search", file_search_call: "File search", image_generation_call: "Image generation",
    apply_patch_call: "Patch", apply_patch_call_output: "Patch output", shell_call: "Shell",
    shell_call_output: "Shell output", local_shell_call: "Local shell", computer_call: "Computer use",
    compaction: "Compaction",
  };

  function responseItemCard(key, item, partial, open) {
    const type = str(item.type) || "item";
    let title = ITEM_TITLES[type] || type;
    if (isText(item.phase)) title += " (" + item.phase.replace(/_/g, " ") + ")";
    const streaming = open && (item.status === "in_progress" || !isText(item.status));
    return card(key, type, title, item.status, itemBody(item, partial, streaming, key));
  }

  function itemBody(item, partial, streaming, key) {
    switch (item.type) {
      case "message": return responseMessage(item, key);
      case "reasoning": {
        const parts = (item.summary || []).map(function (part) { return h("p", { class: "summary-text" }, bold(str(part.text))); });
        (item.content || []).forEach(function (part) { parts.push(h("p", { class: "reasoning-text" }, str(part.text))); });
        if (!parts.length) {
          const hidden = str(item.encrypted_content).length;
          parts.push(h("p", { class: "muted" }, hidden ? "(no summary; " + hidden.toLocaleString("en-US") + " characters encrypted)" : "(thinking\u2026)"));
        }
        return parts;
      }
      case "code_interpreter_call": {
        const parts = [str(item.code) ? codeBlock(item.code, "python", "Code", streaming) : h("p", { class: "muted" }, "(no code yet)")];
        (item.outputs || []).forEach(function (output, index) {
          if (output.type === "logs") parts.push(labelled("Logs", h("pre", { class: "logs", tabindex: 0, "aria-label": "Logs" }, str(output.logs))));
          else if (output.type === "image") parts.push(labelled("Image", image(output.url, "image output " + (index + 1))));
          else parts.push(labelled(str(output.type) || "output", unknownBody(output)));
        });
        if (isText(item.container_id)) parts.push(h("p", { class: "meta" }, "container ", h("span", { class: "object-id" }, item.container_id)));
        return parts;
      }
      case "function_call":
        return [h("p", null, h("span", { class: "name" }, str(item.name)), " ", h("span", { class: "object-id" }, str(item.call_id))),
          labelled("Arguments", argumentsBlock(item.arguments, "Arguments"))];
      case "function_call_output":
        return [h("p", null, h("span", { class: "object-id" }, str(item.call_id))),
          labelled("Output", outputBlock(isText(item.output) ? item.output : JSON.stringify(item.output), "Output"))];
      case "custom_tool_call":
        return [h("p", null, h("span", { class: "name" }, str(item.name)), " ", h("span", { class: "object-id" }, str(item.call_id))),
          labelled("Input", codeBlock(str(item.input), "text", "Input", streaming))];
      case "mcp_call": {
        const parts = [h("p", null, h("span", { class: "name" }, str(item.server_label)), " \u2192 ", h("span", { class: "name" }, str(item.name))),
          labelled("Arguments", argumentsBlock(item.arguments, "Arguments"))];
        if (isText(item.output)) parts.push(labelled("Output", outputBlock(item.output, "Output")));
        if (item.error) parts.push(h("p", { class: "error" }, h("strong", null, "Error: "), isText(item.error) ? item.error : str(item.error.message) || JSON.stringify(item.error)));
        return parts;
      }
      case "mcp_list_tools":
        return [h("p", null, h("span", { class: "name" }, str(item.server_label)), " " + plural((item.tools || []).length, "tool")),
          h("ul", { class: "tools" }, (item.tools || []).map(function (tool) {
            return h("li", null, h("span", { class: "name" }, str(tool.name)), tool.description ? " \u2014 " + str(tool.description) : "");
          })),
          item.error ? h("p", { class: "error" }, str(item.error)) : null];
      case "mcp_approval_request":
        return [h("p", null, h("span", { class: "name" }, str(item.server_label)), " \u2192 ", h("span", { class: "name" }, str(item.name))),
          labelled("Arguments", argumentsBlock(item.arguments, "Arguments")),
          h("p", { class: "warning" }, "waiting for approval")];
      case "web_search_call": return webSearch(item.action || {});
      case "file_search_call": {
        const parts = (item.queries || []).map(function (query) { return labelled("Query", h("span", null, str(query))); });
        if (Array.isArray(item.results)) {
          parts.push(h("p", null, plural(item.results.length, "result")));
          parts.push(h("ul", { class: "results" }, item.results.map(function (result) {
            return h("li", null, h("span", { class: "cited-name" }, str(result.filename) || "file"), " ",
              h("span", { class: "file-id" }, str(result.file_id)),
              typeof result.score === "number" ? h("span", { class: "score" }, " score " + result.score.toFixed(2)) : null,
              isText(result.text) ? h("p", { class: "snippet" }, result.text) : null);
          })));
        } else if (!parts.length) {
          parts.push(h("p", { class: "muted" }, "searching\u2026"));
        }
        return parts;
      }
      case "image_generation_call": {
        const parts = [];
        if (isText(item.result) && item.result) parts.push(base64Image(item.result, item.output_format, "generated image"));
        else if (isText(partial)) parts.push(base64Image(partial, item.output_format, "partial image"));
        else parts.push(h("p", { class: "muted" }, "generating\u2026"));
        if (isText(item.revised_prompt)) parts.push(labelled("Prompt", h("span", null, item.revised_prompt)));
        return parts;
      }
      case "apply_patch_call": {
        const operation = item.operation || {};
        return [h("p", null, h("span", { class: "name" }, str(operation.type) || "patch"), " ", h("span", { class: "path" }, str(operation.path))),
          isText(operation.diff) && operation.diff ? codeBlock(operation.diff, "diff", "Diff", streaming) : null];
      }
      case "shell_call": {
        const action = item.action || {};
        return codeBlock((action.commands || []).map(function (c) { return "$ " + str(c); }).join("\n"), "text", "Commands", streaming);
      }
      case "local_shell_call": {
        const action = item.action || {};
        return codeBlock("$ " + (action.command || []).map(str).join(" "), "text", "Command", streaming);
      }
      case "shell_call_output": {
        const outputs = Array.isArray(item.output) ? item.output : [];
        const parts = [];
        outputs.forEach(function (output) {
          if (str(output.stdout)) parts.push(labelled("stdout", h("pre", { class: "logs", tabindex: 0, "aria-label": "stdout" }, output.stdout)));
          if (str(output.stderr)) parts.push(labelled("stderr", h("pre", { class: "logs stderr", tabindex: 0, "aria-label": "stderr" }, output.stderr)));
        });
        return parts.length ? parts : h("p", { class: "muted" }, "(no output yet)");
      }
      case "compaction":
        return h("p", { class: "muted" }, "earlier turns compacted (" + str(item.encrypted_content).length.toLocaleString("en-US") + " characters encrypted)");
      default:
        return unknownBody(item);
    }
  }

  function webSearch(action) {
    if (action.type === "search") {
      const queries = (action.queries || []).slice();
      if (isText(action.query) && queries.indexOf(action.query) < 0) queries.unshift(action.query);
      const parts = queries.map(function (query) { return labelled("Query", h("span", null, str(query))); });
      const sources = action.sources || [];
      if (sources.length) {
        parts.push(labelled("Sources", h("ul", { class: "sources" }, sources.map(function (source) {
          return h("li", null, source.url ? link(source.url) : str(source.name) || str(source.type));
        }))));
      }
      return parts.length ? parts : h("p", { class: "muted" }, "searching\u2026");
    }
    if (action.type === "open_page") return labelled("Opened", link(action.url));
    if (action.type === "find") return labelled("Find", h("span", null, "\u201c" + str(action.pattern) + "\u201d in "), link(action.url));
    return h("p", { class: "muted" }, "searching\u2026");
  }

  function responseMessage(item, key) {
    const parts = [];
    (item.content || []).forEach(function (part, index) {
      if (part.type === "output_text") parts.push(citedText(part.text, part.annotations, key + "-" + index, "responses"));
      else if (part.type === "refusal") parts.push(h("p", { class: "refusal" }, h("strong", null, "Refusal: "), str(part.refusal)));
      else parts.push(unknownBody(part));
    });
    return parts.length ? parts : h("p", { class: "muted" }, "(no text yet)");
  }

  function tokensResponses(usage) {
    const cached = usage.input_tokens_details && usage.input_tokens_details.cached_tokens;
    const reasoning = usage.output_tokens_details && usage.output_tokens_details.reasoning_tokens;
    return "tokens: " + number(usage.input_tokens) + " input" + (typeof cached === "number" ? " (" + number(cached) + " cached)" : "") +
      " + " + number(usage.output_tokens) + " output" + (typeof reasoning === "number" ? " (" + number(reasoning) + " reasoning)" : "") +
      " = " + number(usage.total_tokens);
  }

  function responsesSummary() {
    const rows = (doc.responses || []).map(function (response) {
      return h("div", { class: "summary-row" },
        h("p", null, h("strong", null, "Response "), h("span", { class: "object-id" }, str(response.id)), " ", badge(response.status),
          isText(response.model) ? h("span", { class: "model" }, " " + response.model) : null),
        response.usage ? h("p", { class: "usage" }, tokensResponses(response.usage)) : null,
        response.error ? errorLine(response.error) : null,
        response.incomplete_details ? h("p", { class: "warning" }, "incomplete: " + str(response.incomplete_details.reason)) : null);
    });
    return rows.length ? rows : h("p", { class: "muted" }, "Waiting for the response\u2026");
  }

  // -- anything else

  function unknownBody(value) {
    return h("details", { class: "raw" }, h("summary", null, "as received (JSON)"),
      h("pre", { tabindex: 0 }, JSON.stringify(value, null, 2)));
  }

  function problems() {
    const parts = [];
    for (const error of doc.errors || []) {
      const inner = error && typeof error.error === "object" && error.error ? error.error : error || {};
      parts.push(h("p", { class: "error" }, h("strong", null, "Server error " + (str(inner.code) || str(inner.type)) + ": "), str(inner.message)));
    }
    const anomalies = doc.anomalies || [];
    if (anomalies.length) {
      parts.push(h("details", { class: "anomalies" }, h("summary", null, plural(anomalies.length, "anomaly").replace(/anomalys$/, "anomalies")),
        h("ul", null, anomalies.map(function (a) {
          return h("li", null, h("span", { class: "name" }, str(a.kind)), " at event " + a.position + " (" + str(a.event) + "): " + str(a.message));
        }))));
    }
    return parts;
  }

  // ---------------------------------------------------------------- drawing

  const drawn = new Map(); // card key -> { element, signature }

  function replaceChildren(element, children) {
    while (element.firstChild) element.removeChild(element.firstChild);
    add(element, children);
  }

  function render() {
    drawPending = false;
    const sourceState = doc.source || {};
    const title = document.getElementById("title");
    title.textContent = isText(sourceState.title) ? "\u2014 " + sourceState.title : "";
    document.title = (isText(sourceState.title) ? sourceState.title + " \u2014 " : "") + "streamkit live view";

    const status = { waiting: "Waiting for the stream\u2026", streaming: "Streaming\u2026", ended: "The stream ended.",
      failed: "The stream failed: " + str(sourceState.error), stopped: "The server stopped." }[sourceState.state];
    const connection = document.getElementById("connection");
    const line = connectionNote || status || "Connecting to the stream\u2026";
    if (connection.textContent !== line) connection.textContent = line;
    connection.className = "connection state-" + safeId(sourceState.state || "connecting");

    const responses = doc.protocol === "responses";
    replaceChildren(document.getElementById("summary"), doc.protocol ? (responses ? responsesSummary() : assistantsSummary()) : null);

    const cards = doc.protocol ? (responses ? responsesCards() : assistantsCards()) : [];
    const list = document.getElementById("cards");
    const keep = new Set();
    cards.forEach(function (entry, index) {
      keep.add(entry.key);
      const signature = JSON.stringify(entry.data);
      let known = drawn.get(entry.key);
      if (!known || known.signature !== signature) {
        const element = entry.build();
        if (known) list.replaceChild(element, known.element);
        known = { element: element, signature: signature };
        drawn.set(entry.key, known);
      }
      if (list.children[index] !== known.element) list.insertBefore(known.element, list.children[index] || null);
    });
    for (const [key, known] of drawn) {
      if (!keep.has(key)) {
        known.element.remove();
        drawn.delete(key);
      }
    }
    const empty = document.getElementById("empty");
    empty.hidden = cards.length > 0;
    empty.textContent = over() ? "The stream brought no output." : "Nothing has arrived yet.";

    const output = document.getElementById("output");
    output.setAttribute("aria-busy", over() ? "false" : "true");

    const problemParts = problems();
    const problemSection = document.getElementById("problems");
    problemSection.hidden = problemParts.length === 0;
    replaceChildren(document.getElementById("problem-list"), problemParts);
    document.body.setAttribute("data-state", sourceState.state || "connecting");
  }

  connect(false);
})();
