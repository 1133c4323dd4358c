"""The 20 recorded Responses streams (tests/data/responses) accumulate to what they end with.

Each recording gets explicit expectations, read off the recording by hand
(item types and ids in order, texts or their length and SHA-256, function
names and arguments, code, summary parts, annotations, statuses, usage, the
last sequence number, the anomalies a correct accumulator records), plus the
generic checks every clean stream must pass: the final snapshot is the
terminal event's ``response``; each event gives the Change the contract names
for it, with the right id and index; the delta Changes rebuild every ``*.done``
value; any read size, and strict or lenient mode, give the same result.

Then the special streams: the background pair (resume after any sequence
number), the error event before ``response.failed``, OpenRouter's framing,
streams without sequence numbers, unknown event types and an unknown item type.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import streamkit
from streamkit import ServerSentEvent, SSEDecoder, to_dict

DATA = Path(__file__).parent / "data" / "responses"
Json = dict[str, Any]

TERMINAL_TYPES = frozenset(
    {"response.completed", "response.failed", "response.incomplete", "response.cancelled"}
)


# --- matching a snapshot's JSON against an explicit expectation ----------------------------------


@dataclass(frozen=True)
class Len:
    """A list or string of exactly this length (content not pinned: opaque tokens, logprobs)."""

    n: int


@dataclass(frozen=True)
class Digest:
    """A long string: its length and the first 16 hex digits of the SHA-256 of its UTF-8."""

    n: int
    sha: str


ABSENT = object()  # the key must not be present (absent is not null)


def mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` (plain JSON) differs from the expectation (keys not named: not checked)."""
    if isinstance(expected, Len):
        if not isinstance(actual, (list, str)) or len(actual) != expected.n:
            size = len(actual) if isinstance(actual, (list, str)) else type(actual).__name__
            return [f"{path}: expected length {expected.n}, got {size}"]
        return []
    if isinstance(expected, Digest):
        if not isinstance(actual, str):
            return [f"{path}: expected a string, got {type(actual).__name__}"]
        sha = hashlib.sha256(actual.encode()).hexdigest()[:16]
        if (len(actual), sha) != (expected.n, expected.sha):
            return [f"{path}: expected ({expected.n}, {expected.sha}), got ({len(actual)}, {sha})"]
        return []
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {type(actual).__name__}"]
        found: list[str] = []
        for key, value in expected.items():
            if value is ABSENT:
                if key in actual:
                    found.append(f"{path}.{key}: expected absent")
            elif key not in actual:
                found.append(f"{path}.{key}: missing")
            else:
                found += mismatches(value, actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            size = len(actual) if isinstance(actual, list) else type(actual).__name__
            return [f"{path}: expected {len(expected)} elements, got {size}"]
        found = []
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found += mismatches(want, got, f"{path}[{index}]")
        return found
    if expected is None or isinstance(expected, bool):
        same = actual is expected  # None is not absent or 0; True is not 1
    else:
        same = expected == actual and not isinstance(actual, bool)  # 1 == 1.0 (formatting)
    return [] if same else [f"{path}: expected {expected!r}, got {actual!r}"[:300]]


def test_matcher_finds_differences() -> None:
    """The matcher itself can fail: every kind of expectation catches a difference."""
    assert mismatches({"a": 1}, {"a": 2}) == [".a: expected 1, got 2"]
    assert mismatches({"a": Len(2)}, {"a": [1]}) == [".a: expected length 2, got 1"]
    assert mismatches({"a": ABSENT}, {"a": None}) == [".a: expected absent"]
    assert mismatches({"a": None}, {}) == [".a: missing"]
    assert mismatches([{"t": "x"}], [{"t": "x"}, {}]) == [": expected 1 elements, got 2"]
    assert mismatches(Digest(3, "ba7816bf8f01cfea"), "abc") == []
    assert mismatches(Digest(3, "ba7816bf8f01cfea"), "abd") != []
    assert mismatches({"a": 1, "b": [1]}, {"a": 1, "b": [1], "c": 3}) == []


# --- the recordings and what each must end with --------------------------------------------------


@dataclass(frozen=True)
class Recording:
    """What one recording must accumulate to.

    Attributes:
        file: the recording's name in tests/data/responses.
        events: how many SSE events it decodes to (``[DONE]`` included).
        last_sequence_number: ``racc.last_sequence_number`` at the end.
        response_id, status, usage: the final response's; usage is
            (input_tokens, output_tokens, total_tokens) or None.
        output: each output item, in order, as a partial JSON expectation.
        anomalies: the anomaly kinds recorded, in order (normally none).
        built: the items as built before the terminal event, where they differ
            from ``output`` (the terminal event is authoritative).
    """

    file: str
    events: int
    last_sequence_number: int | None
    response_id: str
    status: str
    usage: tuple[int, int, int] | None
    output: list[Json]
    anomalies: tuple[str, ...] = ()
    built: list[Json] | None = None

    def __str__(self) -> str:
        return self.file.removesuffix(".sse")


def _message(item_id: str, text: Any, **part: Any) -> Json:
    return {
        "type": "message",
        "id": item_id,
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": [], **part}],
    }


def _reasoning(item_id: str, encrypted: int | None = None, **more: Any) -> Json:
    item: Json = {"type": "reasoning", "id": item_id, "summary": [], **more}
    if encrypted is not None:
        item["encrypted_content"] = Len(encrypted)
    return item


def _function_call(item_id: str, name: str, call_id: str, arguments: str) -> Json:
    return {
        "type": "function_call",
        "id": item_id,
        "status": "completed",
        "name": name,
        "call_id": call_id,
        "arguments": arguments,
    }


def _code(item_id: str, code: Any, container: str, outputs: Any) -> Json:
    return {
        "type": "code_interpreter_call",
        "id": item_id,
        "status": "completed",
        "code": code,
        "container_id": container,
        "outputs": outputs,
    }


def _summary(*texts: Digest) -> list[Json]:
    return [{"type": "summary_text", "text": text} for text in texts]


BACKGROUND_ID = "resp_0850765c843cca5300699cc47d93c0819089a181f5feeff8eb"
BACKGROUND_OUTPUT = [
    _message(
        "msg_0850765c843cca5300699cc48053e88190bf5bbc9d0c8decd5", "2 + 2 equals 4.", logprobs=[]
    )
]
CONTAINER_X3 = "cntr_68c3509aa0348191ad0bfefe24878dbb0deaa35a4e39052e"
OPENROUTER_REASONING = (
    'The user asks: "What is 2+2?" They expect a straightforward answer: 4. Just answer 4.'
)

RECORDINGS: list[Recording] = [
    Recording(
        "NONOPENAI_deepseek_reasoning_text_fn_call.sse",
        events=34,
        last_sequence_number=33,
        response_id="1235b7ba-fdc9-4a1c-bfe4-6137c207baf3",
        status="completed",
        usage=(366, 59, 425),
        output=[
            _reasoning(
                "fa6f3a83-5d25-46e8-9d03-1a89ce5cf2ba",
                status="completed",
                content=[
                    {
                        "type": "reasoning_text",
                        "text": "The user asks about temperature in Tokyo. I'll call the tool.",
                    }
                ],
            ),
            _function_call(
                "62bf2bb7-56af-4e3a-883b-83d4aad54da1",
                "get_temperature",
                "call_00_xjY8Z2BvSlzgEmmw0DtH0464",
                '{"city": "Tokyo"}',
            ),
        ],
    ),
    Recording(
        "NONOPENAI_openrouter_reasoning_text_done_marker.sse",
        events=41,
        last_sequence_number=39,
        response_id="gen-1764265411-Fu1iEX7h5MRWiL79lb94",
        status="completed",
        usage=(78, 37, 115),
        output=[
            # The terminal response names the reasoning item differently from
            # the one streamed (rs_tmp_2kbe7x16sax): the terminal wins, and the
            # disagreement is recorded.
            _reasoning(
                "rs_tmp_ku4i7pagjwn",
                status=ABSENT,
                content=[{"type": "reasoning_text", "text": OPENROUTER_REASONING}],
            ),
            {
                "type": "message",
                "id": "msg_tmp_8cjof4f6zpw",
                "status": "completed",
                "role": "assistant",
                "content": [
                    {"type": "output_text", "text": "4", "annotations": [], "logprobs": ABSENT}
                ],
            },
        ],
        anomalies=("terminal_mismatch",),
        built=[
            _reasoning(
                "rs_tmp_2kbe7x16sax",
                status=ABSENT,
                content=[{"type": "reasoning_text", "text": OPENROUTER_REASONING}],
            ),
            {"type": "message", "id": "msg_tmp_8cjof4f6zpw", "status": "completed"},
        ],
    ),
    Recording(
        "openai_background_resume_starting_after.sse",
        events=16,
        last_sequence_number=16,
        response_id=BACKGROUND_ID,
        status="completed",
        usage=(15, 9, 24),
        output=BACKGROUND_OUTPUT,
    ),
    Recording(
        "openai_background_stream_initial.sse",
        events=17,
        last_sequence_number=16,
        response_id=BACKGROUND_ID,
        status="completed",
        usage=(15, 9, 24),
        output=BACKGROUND_OUTPUT,
    ),
    Recording(
        "openai_code_interpreter_image_container_file_citation.sse",
        events=270,
        last_sequence_number=269,
        response_id="resp_06c1a26fd89d07f20068dd9367869c819788cb28e6f19eff9b",
        status="completed",
        usage=(2772, 1166, 3938),
        output=[
            _reasoning("rs_06c1a26fd89d07f20068dd936ae09c8197b90141e9bf8c36b1", 6284),
            _code(
                "ci_06c1a26fd89d07f20068dd937636948197b6c45865da36d8f7",
                Digest(614, "f319aff69a1afe37"),
                "cntr_68dd936a4cfc81908bdd4f2a2f542b5c0a0e691ad2bfd833",
                [{"type": "image"}, {"type": "logs"}],
            ),
            {
                "type": "message",
                "id": "msg_06c1a26fd89d07f20068dd937ecbd48197bd91dc501bd4a4d4",
                "status": "completed",
                "content": [
                    {
                        "type": "output_text",
                        "text": Digest(133, "3e6213841202889f"),
                        "annotations": [
                            {"type": "container_file_citation"},
                            {"type": "container_file_citation"},
                        ],
                        "logprobs": [],
                    }
                ],
            },
        ],
    ),
    Recording(
        "openai_code_interpreter_x3_reasoning.sse",
        events=365,
        last_sequence_number=364,
        response_id="resp_68c35098e6fc819e80fb94b25b7d031b0f2d670b80edc507",
        status="completed",
        usage=(3727, 347, 4074),
        output=[
            _reasoning(
                "rs_68c3509b2ee0819eba32735182d275ad0f2d670b80edc507",
                1764,
                summary=_summary(Digest(440, "349a118260cd39f7")),
            ),
            _code(
                "ci_68c3509faff0819e96f6d45e6faf78490f2d670b80edc507",
                "n = pow(123456, 123)\nlen(str(n))",
                CONTAINER_X3,
                None,
            ),
            _code(
                "ci_68c350a41d2c819ebb23bdfb9ff322770f2d670b80edc507",
                "str(n)[:100], str(n)[-100:]",
                CONTAINER_X3,
                None,
            ),
            _code("ci_68c350a5e1f8819eb082eccb870199ec0f2d670b80edc507", "n", CONTAINER_X3, None),
            _message(
                "msg_68c350a75ddc819ea5406470460be7850f2d670b80edc507",
                Digest(646, "763415a3f13b3cea"),
                logprobs=[],
            ),
        ],
    ),
    Recording(
        "openai_compaction_item.sse",
        events=401,
        last_sequence_number=400,
        response_id="resp_067b756b377f97050069e16f9b54a08190b78ecc1e9f974922",
        status="completed",
        usage=(872, 1254, 2126),
        output=[
            _message(
                "msg_067b756b377f97050069e16f9c32f081908789d727b300cbf0",
                Digest(1750, "061004a4ec23c4ba"),
                logprobs=[],
            ),
            {
                "type": "compaction",
                "id": "cmp_067b756b377f97050069e16fa9b8408190ab05934212c434a0",
                "encrypted_content": Len(5260),
                "status": ABSENT,
            },
        ],
    ),
    Recording(
        "openai_file_search_file_citation.sse",
        events=21,
        last_sequence_number=20,
        response_id="resp_006dcb10dc68b990006931d756c6fc819ba28a90e19a504ee0",
        status="completed",
        usage=(1177, 37, 1214),
        output=[
            {
                "type": "file_search_call",
                "id": "fs_006dcb10dc68b990006931d758d64c819b8936fb07f31c09d4",
                "status": "completed",
                "queries": ["What is the capital of France?"],
                "results": None,
            },
            _message(
                "msg_006dcb10dc68b990006931d75a58dc819bb156d745aff1ee2a",
                "The capital of France is Paris.",
                annotations=[
                    {
                        "type": "file_citation",
                        "file_id": "file-9RhPAs9YqVajpGXRfcgavJ",
                        "filename": "tmp8l5_2pzy.txt",
                        "index": 30,
                    }
                ],
                logprobs=[],
            ),
        ],
    ),
    Recording(
        "openai_fn_call_gpt4o_2025-03_noseq.sse",
        events=11,
        last_sequence_number=None,
        response_id="resp_67e554a155508191900ee113293c4c830794405d35281ae2",
        status="completed",
        usage=(255, 16, 271),
        output=[
            _function_call(
                "fc_67e554a1de488191af0831d35cbe082e0794405d35281ae2",
                "get_capital",
                "call_kL0PCQV7M2WMoVX8V8OtYSAL",
                '{"country":"France"}',
            )
        ],
    ),
    Recording(
        "openai_mcp_call_args_delta.sse",
        events=194,
        last_sequence_number=193,
        response_id="resp_00b9cc7a23d047270068faa0e25934819f9c3bfdec80065bc4",
        status="completed",
        usage=(1401, 480, 1881),
        output=[
            {
                "type": "mcp_list_tools",
                "id": "mcpl_00b9cc7a23d047270068faa0e29804819fb060cec0408ffbcd",
                "server_label": "deepwiki",
                "tools": [{"name": "read_wiki_structure"}, {"name": "ask_question"}],
            },
            _reasoning("rs_00b9cc7a23d047270068faa0e4cd5c819f8855c183ff0fe957", 1828),
            {
                "type": "mcp_call",
                "id": "mcp_00b9cc7a23d047270068faa0e67fb0819fa9e21302c398e9ac",
                "status": "completed",
                "name": "ask_question",
                "arguments": '{"repoName":"pydantic/pydantic-ai",'
                '"question":"What is the pydantic/pydantic-ai repository about?"}',
                "server_label": "deepwiki",
                "output": Digest(4772, "f93093438a436a8c"),
                "error": None,
            },
            _reasoning("rs_00b9cc7a23d047270068faa0f4ff54819f9fb9ff25bebe7f5f", 1740),
            _message(
                "msg_00b9cc7a23d047270068faa0f63798819f83c5348ca838d252",
                Digest(687, "de10391f9e08ddb5"),
                logprobs=[],
            ),
        ],
    ),
    Recording(
        "openai_phase_reasoning_text_fn_call.sse",
        events=33,
        last_sequence_number=32,
        response_id="resp_0fabc13af1ee0049006a691dfdab8881a1a75f2db7ff78cb83",
        status="completed",
        usage=(63, 69, 132),
        output=[
            _reasoning("rs_0fabc13af1ee0049006a691dfe60b081a1baa444d3cf19afba", 1080, content=[]),
            {
                **_message(
                    "msg_0fabc13af1ee0049006a691dfebdc881a1ae18d027c313d8ce",
                    "I\u2019ll check the capital lookup tool for \u201cPotatoLand.\u201d",
                    logprobs=[],
                ),
                "phase": "commentary",
            },
            _function_call(
                "fc_0fabc13af1ee0049006a691dff0c1481a1b4a0eec7e3c753bb",
                "get_capital",
                "call_LabG58Uhrq9kZvR52BYKjToD",
                '{"country":"PotatoLand"}',
            ),
        ],
    ),
    Recording(
        "openai_reasoning_summary_multipart.sse",
        events=676,
        last_sequence_number=675,
        response_id="resp_68c42d0fb418819dbfa579f69406b49508fbf9b1584184ff",
        status="completed",
        usage=(13, 1680, 1693),
        output=[
            _reasoning(
                "rs_68c42d1d0878819d8266007cd3d1402c08fbf9b1584184ff",
                440,
                summary=_summary(
                    Digest(460, "3c9d404bdbe446aa"),
                    Digest(517, "00668257636c8fdf"),
                    Digest(540, "8584be4d4b95173e"),
                    Digest(505, "0b27462003c8e913"),
                ),
            ),
            _message(
                "msg_68c42d26866c819da8d5c606621c911608fbf9b1584184ff",
                Digest(1251, "4242cea70d53d7d1"),
                logprobs=[],
            ),
        ],
    ),
    Recording(
        "openai_reasoning_then_fn_call.sse",
        events=14,
        last_sequence_number=13,
        response_id="resp_0050471a34b36ae60068c97b94a480819587a9d70cf2979b33",
        status="completed",
        usage=(53, 469, 522),
        output=[
            _reasoning("rs_0050471a34b36ae60068c97bac4dcc819595fd0f80d6b3c405", 3896),
            _function_call(
                "fc_0050471a34b36ae60068c97bf19d9c819590eaf42c0edc1042",
                "final_result",
                "call_CWXgs68YprAjp6t0371hiPOI",
                '{"result":6666}',
            ),
        ],
    ),
    Recording(
        "openai_text_gpt4o_2025-03_noseq.sse",
        events=15,
        last_sequence_number=None,
        response_id="resp_67e554a21aa88191b65876ac5e5bbe0406c52f0e511c76ed",
        status="completed",
        usage=(278, 9, 287),
        output=[
            _message(
                "msg_67e554a28bec8191b56d3e2331eff88006c52f0e511c76ed",
                "The capital of France is Paris.",
                logprobs=ABSENT,
            )
        ],
    ),
    Recording(
        "openai_text_logprobs.sse",
        events=17,
        last_sequence_number=16,
        response_id="resp_0ecff685e411ca7b0069e063569c7c819bbc74c80d853802e6",
        status="completed",
        usage=(25, 10, 35),
        output=[
            _message(
                "msg_0ecff685e411ca7b0069e063580128819b9ec474594c61b988",
                "The capital of Minas Gerais is Belo Horizonte.",
                logprobs=Len(9),
            )
        ],
        # The server's content_part.done carries `logprobs: []` although the
        # deltas built nine (and its item.done has them again, rounded): the
        # part disagrees with what the deltas built.
        anomalies=("done_mismatch",),
    ),
    Recording(
        "openai_web_search_reasoning.sse",
        events=61,
        last_sequence_number=60,
        response_id="resp_00a60507bf41223d0068c9d2fbf93481a0ba2a7796ae2cab4c",
        status="completed",
        usage=(9463, 582, 10045),
        output=[
            _reasoning("rs_00a60507bf41223d0068c9d2fc927081a088e0b920cdfe3866", 2616),
            {
                "type": "web_search_call",
                "id": "ws_00a60507bf41223d0068c9d30021d081a0962d80d50c12e317",
                "status": "completed",
                "action": {
                    "type": "search",
                    "query": "weather: San Francisco, CA",
                    "sources": [{"type": "api", "name": "oai-weather"}],
                },
            },
            _reasoning("rs_00a60507bf41223d0068c9d300b23481a0b77a03d911213220", 2552),
            _message(
                "msg_00a60507bf41223d0068c9d30b055481a0b0ee28a021919c94",
                Digest(212, "acf51a4fa1977f1c"),
                logprobs=[],
            ),
        ],
    ),
    Recording(
        "openai_web_search_url_citation_annotations.sse",
        events=23,
        last_sequence_number=22,
        response_id="resp_0a4bc5e23769d65c00696d5e657050819db65effaff8424729",
        status="completed",
        usage=(12243, 140, 12383),
        output=[
            {
                "type": "web_search_call",
                "id": "ws_0a4bc5e23769d65c00696d5e682884819da7fe3195ef84421f",
                "status": "completed",
                "action": {
                    "type": "search",
                    "queries": [
                        "tallest mountain in Alberta highest peak Alberta Mount Columbia elevation"
                    ],
                    "query": "tallest mountain in Alberta highest peak Alberta Mount Columbia"
                    " elevation",
                },
            },
            {
                "type": "web_search_call",
                "id": "ws_0a4bc5e23769d65c00696d5e6a0588819d835082264406b94b",
                "status": "completed",
                "action": {"type": "search", "queries": Len(2)},
            },
            _message(
                "msg_0a4bc5e23769d65c00696d5e6bade4819d9c681da9ecb436c6",
                Digest(162, "fe2d14b8aa08eab0"),
                annotations=[
                    {
                        "type": "url_citation",
                        "end_index": 162,
                        "start_index": 77,
                        "title": "Mount Columbia | mountain, Alberta, Canada | Britannica",
                        "url": "https://www.britannica.com/place/Mount-Columbia?utm_source=openai",
                    }
                ],
                logprobs=[],
            ),
        ],
    ),
    Recording(
        "vercel_openai_apply_patch_diff_delta.sse",
        events=38,
        last_sequence_number=37,
        response_id="resp_0372d86dfc1762fe00692741f339a08190bce9b78ee2079295",
        status="completed",
        usage=(642, 67, 709),
        output=[
            {
                "type": "apply_patch_call",
                "id": "apc_0372d86dfc1762fe00692741f3f3dc8190879cba489ff2fc8b",
                "status": "completed",
                "call_id": "call_kA46f91ZwocQyMCKyyZqRyC5",
                "operation": {
                    "type": "create_file",
                    "diff": "+## Shopping Checklist\n+\n+- [ ] Milk\n+- [ ] Bread\n+- [ ] Eggs\n"
                    "+- [ ] Fresh fruit\n+- [ ] Coffee\n",
                    "path": "shopping-checklist.md",
                },
            }
        ],
    ),
    Recording(
        "vercel_openai_error_event_then_failed.sse",
        events=4,
        last_sequence_number=3,
        response_id="resp_05500b38c2cd9bfc00691c7c9d222481a3b595421266dab424",
        status="failed",
        usage=None,
        output=[],
        anomalies=("server_error",),
    ),
    Recording(
        "vercel_openai_image_generation_partial_image.sse",
        events=16,
        last_sequence_number=15,
        response_id="resp_0df93c0bb83a72f20068c979db26ac819e8b5a444fad3f0d7f",
        status="completed",
        usage=(2941, 1249, 4190),
        output=[
            _reasoning("rs_0df93c0bb83a72f20068c979db90b4819e94cedbfda2d49af6", status=ABSENT),
            {
                "type": "image_generation_call",
                "id": "ig_0df93c0bb83a72f20068c979f589c0819e9f0fc2d1a27aa1b8",
                "status": "completed",
                # The final image is the item's `result`, never the partial image.
                "result": Digest(327, "c5565ac689b4334f"),
                "revised_prompt": Digest(1007, "eb7275892241b128"),
                "size": "1536x1024",
                "quality": "low",
                "background": "opaque",
                "output_format": "webp",
            },
            _message("msg_0df93c0bb83a72f20068c97a0b36f4819ea5906451007f95e2", "", logprobs=[]),
        ],
    ),
]
BY_NAME = {str(recording): recording for recording in RECORDINGS}
PARAMS = [pytest.param(recording, id=str(recording)) for recording in RECORDINGS]


# --- helpers -------------------------------------------------------------------------------------


@functools.cache
def read(name: str) -> bytes:
    return (DATA / name).read_bytes()


def decode(data: bytes, sizes: Iterable[int] | None = None) -> list[ServerSentEvent]:
    """The SSE events of ``data``, fed to the decoder in reads of the given sizes (else whole)."""
    decoder = SSEDecoder()
    if sizes is None:
        events = decoder.feed(data)
    else:
        events, start = [], 0
        for size in sizes:
            if start >= len(data):
                break
            events += decoder.feed(data[start : start + size])
            start += size
    return events + decoder.close()


@functools.cache
def events_of(name: str) -> tuple[ServerSentEvent, ...]:
    return tuple(decode(read(name)))


def payloads(name: str) -> list[Json | None]:
    """Each event's JSON payload (None for ``[DONE]``)."""
    return [None if sse.data == "[DONE]" else json.loads(sse.data) for sse in events_of(name)]


def terminal_response(name: str) -> Json | None:
    for payload in reversed(payloads(name)):
        if payload is not None and payload["type"] in TERMINAL_TYPES:
            response: Json = payload["response"]
            return response
    return None


@dataclass
class Fed:
    """An accumulator after a stream, and the Changes each event gave."""

    racc: Any
    changes: list[list[Any]] = field(default_factory=list)

    def flat(self) -> list[Any]:
        return [change for changes in self.changes for change in changes]


def feed(events: Iterable[ServerSentEvent], *, strict: bool = True, racc: Any = None) -> Fed:
    fed = Fed(racc if racc is not None else streamkit.ResponseAccumulator(strict=strict))
    for sse in events:
        fed.changes.append(list(fed.racc.feed(sse)))
    return fed


@functools.cache
def fed_strict(name: str) -> Fed:
    return feed(events_of(name))


def output_json(response: Any) -> list[Json]:
    out: list[Json] = to_dict(response)["output"]
    return out


def kinds(anomalies: Sequence[Any]) -> tuple[str, ...]:
    return tuple(anomaly.kind for anomaly in anomalies)


# --- generic checks, on every recording ----------------------------------------------------------


def test_every_recording_is_covered() -> None:
    """The table covers the 20 files of tests/data/responses, each once."""
    files = sorted(path.name for path in DATA.glob("*.sse"))
    assert len(files) == 20
    assert sorted(recording.file for recording in RECORDINGS) == files


@pytest.mark.parametrize("recording", PARAMS)
def test_stream_ends_with_what_the_recording_shows(recording: Recording) -> None:
    """Explicit values: the response, its items in order, texts, calls, usage, cursor, anomalies."""
    assert len(events_of(recording.file)) == recording.events
    racc = fed_strict(recording.file).racc
    final = racc.final_response
    assert final is not None
    got = to_dict(final)
    assert (got["id"], got["status"]) == (recording.response_id, recording.status)
    if recording.usage is None:
        assert got.get("usage") is None
    else:
        usage = got["usage"]
        assert (usage["input_tokens"], usage["output_tokens"], usage["total_tokens"]) == (
            recording.usage
        )
    assert mismatches(recording.output, got["output"]) == []
    assert racc.last_sequence_number == recording.last_sequence_number
    assert kinds(racc.anomalies) == recording.anomalies
    assert list(racc.responses) == [recording.response_id]


@pytest.mark.parametrize("recording", PARAMS)
def test_final_response_is_the_terminal_event_response(recording: Recording) -> None:
    """``to_dict(final_response)`` is the terminal event's ``response``; so is ``response``."""
    racc = fed_strict(recording.file).racc
    terminal = terminal_response(recording.file)
    assert terminal is not None
    assert to_dict(racc.final_response) == terminal
    assert to_dict(racc.response) == terminal
    assert to_dict(racc.responses[recording.response_id]) == terminal


@pytest.mark.parametrize("recording", PARAMS)
def test_items_are_built_before_the_terminal_event(recording: Recording) -> None:
    """The snapshot just before the terminal event already holds every item as expected."""
    events = events_of(recording.file)
    last = max(
        i for i, p in enumerate(payloads(recording.file)) if p and p["type"] in TERMINAL_TYPES
    )
    racc = feed(events[:last]).racc
    assert racc.final_response is None
    expected = recording.built if recording.built is not None else recording.output
    assert mismatches(expected, output_json(racc.response)) == []


# Event type -> the one Change kind a clean stream's event gives (the contract's table).
STATUS_EVENTS = {
    f"response.{tool}.{status}"
    for tool, statuses in {
        "code_interpreter_call": ("in_progress", "interpreting", "completed"),
        "file_search_call": ("in_progress", "searching", "completed"),
        "web_search_call": ("in_progress", "searching", "completed"),
        "image_generation_call": ("in_progress", "generating", "completed"),
        "mcp_call": ("in_progress", "completed", "failed"),
        "mcp_list_tools": ("in_progress", "completed", "failed"),
    }.items()
    for status in statuses
}
PART_LEVEL = {
    "content_part.added",
    "content_part.done",
    "reasoning_summary_part.added",
    "reasoning_summary_part.done",
    "output_text.delta",
    "output_text.done",
    "refusal.delta",
    "refusal.done",
    "reasoning_text.delta",
    "reasoning_text.done",
    "reasoning_summary_text.delta",
    "reasoning_summary_text.done",
    "output_text.annotation.added",
}


def expected_changes(name: str, response_id: str) -> list[tuple[str, str, int | None]]:
    """(kind, id, index) of the one Change each event of a clean stream gives."""
    found = []
    seen = False  # the first event carrying the response creates it (a resume has no created)
    for payload in payloads(name):
        change = expected_change(payload, response_id)
        if change[0].startswith("response.") and not seen:
            seen = True
            change = ("response.created", response_id, None)
        found.append(change)
    return found


def expected_change(payload: Json | None, response_id: str) -> tuple[str, str, int | None]:
    """(kind, id, index) of the Change one event of a clean stream gives."""
    if payload is None:
        return ("end", "", None)
    kind: str = payload["type"]
    if kind == "error":
        return ("error", "", None)
    if kind in ("response.created", "response.queued", "response.in_progress"):
        return ("response.updated", response_id, None)
    if kind in TERMINAL_TYPES:
        return ("response.done", response_id, None)
    if kind in STATUS_EVENTS:
        return ("output_item.updated", payload["item_id"], payload["output_index"])
    short = kind.removeprefix("response.")
    if short in ("output_item.added", "output_item.done"):
        return (short, payload["item"]["id"], payload["output_index"])
    if short in PART_LEVEL:
        index = payload.get("content_index", payload.get("summary_index"))
        return (short, payload["item_id"], index)
    return (short, payload["item_id"], payload["output_index"])


@pytest.mark.parametrize("recording", PARAMS)
def test_each_event_gives_the_change_the_contract_names(recording: Recording) -> None:
    """One Change per event of a clean stream: its kind, id (item or response), index, position."""
    fed = fed_strict(recording.file)
    expected = expected_changes(recording.file, recording.response_id)
    got = [[(c.kind, c.id, c.index) for c in changes] for changes in fed.changes]
    assert got == [[e] for e in expected]
    positions = [c.position for changes in fed.changes for c in changes]
    assert positions == list(range(1, len(expected) + 1))


@pytest.mark.parametrize("recording", PARAMS)
def test_items_and_parts_are_opened_and_closed_once(recording: Recording) -> None:
    """Each item gets one added and one done Change, in stream order; each part likewise."""
    fed = fed_strict(recording.file)
    counts = Counter((c.kind, c.id, c.index) for c in fed.flat())
    items = [c.id for c in fed.flat() if c.kind == "output_item.added"]
    built = recording.built if recording.built is not None else recording.output
    assert items == [item["id"] for item in built]
    for kind, item_id, index in list(counts):
        if kind.endswith(".added") and kind != "output_text.annotation.added":
            assert counts[(kind.replace(".added", ".done"), item_id, index)] == 1
            assert counts[(kind, item_id, index)] == 1
    created = [c for c in fed.flat() if c.kind == "response.created"]
    done = [c for c in fed.flat() if c.kind == "response.done"]
    assert (len(done), done[0].id) == (1, recording.response_id)
    if recording.file != "openai_background_resume_starting_after.sse":
        assert len(created) == 1


# Delta Change kind -> (done event type, field of the done event).
DELTA_DONE = {
    "output_text.delta": ("response.output_text.done", "text"),
    "refusal.delta": ("response.refusal.done", "refusal"),
    "reasoning_text.delta": ("response.reasoning_text.done", "text"),
    "reasoning_summary_text.delta": ("response.reasoning_summary_text.done", "text"),
    "function_call_arguments.delta": ("response.function_call_arguments.done", "arguments"),
    "custom_tool_call_input.delta": ("response.custom_tool_call_input.done", "input"),
    "mcp_call_arguments.delta": ("response.mcp_call_arguments.done", "arguments"),
    "code_interpreter_call_code.delta": ("response.code_interpreter_call_code.done", "code"),
    # Sent by OpenAI for the apply_patch tool, though not in the spec.
    "apply_patch_call_operation_diff.delta": (
        "response.apply_patch_call_operation_diff.done",
        "diff",
    ),
}
# Their Change.index is the output_index (the others': content_index or summary_index).
ITEM_LEVEL_DONE = {
    "response.function_call_arguments.done",
    "response.custom_tool_call_input.done",
    "response.mcp_call_arguments.done",
    "response.code_interpreter_call_code.done",
    "response.apply_patch_call_operation_diff.done",
}


@pytest.mark.parametrize("recording", PARAMS)
def test_delta_changes_rebuild_every_done_value(recording: Recording) -> None:
    """Concatenating the delta Changes' fragments gives each ``*.done`` event's full value."""
    built: dict[tuple[str, str, int | None], str] = {}
    for change in fed_strict(recording.file).flat():
        if change.kind in DELTA_DONE:
            assert isinstance(change.delta, str)
            key = (DELTA_DONE[change.kind][0], change.id, change.index)
            built[key] = built.get(key, "") + change.delta
    sent: dict[tuple[str, str, int | None], str] = {}
    for payload in payloads(recording.file):
        for done_type, name in DELTA_DONE.values():
            if payload is not None and payload["type"] == done_type:
                if done_type in ITEM_LEVEL_DONE:
                    index = payload["output_index"]
                else:
                    index = payload.get("content_index", payload.get("summary_index"))
                sent[(done_type, payload["item_id"], index)] = payload[name]
    # Streams with a done value but no delta (an empty text) built nothing.
    assert built == {key: value for key, value in sent.items() if value or key in built}


def chunked_reads(name: str) -> dict[str, Iterator[int]]:
    """Read sizes, endless (``decode`` stops at the end of the data)."""
    rng = random.Random(name)
    return {
        "1-byte": itertools.repeat(1),
        "7-byte": itertools.repeat(7),
        "random": (rng.randint(1, 600) for _ in itertools.count()),
    }


def summary(fed: Fed) -> tuple[Any, ...]:
    racc = fed.racc
    return (
        to_dict(racc.response),
        to_dict(racc.final_response),
        racc.last_sequence_number,
        racc.anomalies,
        [(c.kind, c.id, c.index, c.position) for c in fed.flat()],
        len(racc.errors),
        len(racc.unknown_events),
        racc.done,
    )


@pytest.mark.parametrize("recording", PARAMS)
def test_any_read_size_gives_the_same_result(recording: Recording) -> None:
    """Bytes through SSEDecoder in 1-byte, 7-byte and random reads: the same snapshot, Changes."""
    whole = summary(fed_strict(recording.file))
    for label, sizes in chunked_reads(recording.file).items():
        assert summary(feed(decode(read(recording.file), sizes))) == whole, label


@pytest.mark.parametrize("recording", PARAMS)
def test_strict_and_lenient_agree_on_clean_streams(recording: Recording) -> None:
    """Nothing in a recording is bad input: lenient mode ends exactly as strict mode."""
    lenient = feed(events_of(recording.file), strict=False)
    assert summary(lenient) == summary(fed_strict(recording.file))


# --- the background pair: resume after sequence number K -----------------------------------------

INITIAL = "openai_background_stream_initial.sse"
RESUME = "openai_background_resume_starting_after.sse"


def seq(sse: ServerSentEvent) -> int:
    number: int = json.loads(sse.data)["sequence_number"]
    return number


def test_the_resume_recording_replays_the_initial_events() -> None:
    """The recorded pair: the resume is seq 1..16 of the initial (seq 1 with its keys reordered)."""
    initial, resume = events_of(INITIAL), events_of(RESUME)
    assert [seq(e) for e in resume] == list(range(1, 17))
    assert [(e.event, json.loads(e.data)) for e in resume] == [
        (e.event, json.loads(e.data)) for e in initial[1:]
    ]
    assert [e.data for e in resume[1:]] == [e.data for e in initial[2:]]


@pytest.mark.parametrize("cut", [0, 1, 2, 3, 5, 12, 14, 15, 16])
@pytest.mark.parametrize("filtered", [True, False], ids=["seq>K", "whole-resume"])
def test_initial_cut_after_k_then_resume_equals_the_full_stream(cut: int, filtered: bool) -> None:
    """Initial stream up to seq K, then the resume stream: the same snapshot, Changes and cursor.

    ``seq>K``: the resume as the server sends it after ``starting_after=K``;
    ``whole-resume``: the recorded resume (after 0) as is: events already
    applied are skipped silently (no Change, no anomaly).
    """
    full = fed_strict(INITIAL)
    fed = feed([e for e in events_of(INITIAL) if seq(e) <= cut])
    assert fed.racc.last_sequence_number == cut
    resume = [e for e in events_of(RESUME) if seq(e) > cut or not filtered]
    for sse in resume:
        changes = fed.racc.feed(sse)
        if seq(sse) <= cut:
            assert changes == []
        fed.changes.append(list(changes))
    racc = fed.racc
    assert to_dict(racc.response) == to_dict(full.racc.response)
    assert to_dict(racc.final_response) == terminal_response(INITIAL)
    assert racc.last_sequence_number == 16
    assert racc.anomalies == []
    assert list(racc.responses) == [BACKGROUND_ID]
    assert [(c.kind, c.id, c.index) for c in fed.flat()] == [
        (c.kind, c.id, c.index) for c in full.flat()
    ]


def test_a_resume_does_not_reset_the_snapshot_built_so_far() -> None:
    """Mid-message (after seq 8): the text built so far stays, and the resumed deltas extend it."""
    fed = feed([e for e in events_of(INITIAL) if seq(e) <= 8])
    assert output_json(fed.racc.response)[0]["content"][0]["text"] == "2 + 2"
    next_delta = next(e for e in events_of(RESUME) if seq(e) == 9)
    changes = fed.racc.feed(next_delta)
    assert [(c.kind, c.delta) for c in changes] == [("output_text.delta", " equals")]
    assert output_json(fed.racc.response)[0]["content"][0]["text"] == "2 + 2 equals"


def test_resume_alone_into_a_fresh_accumulator() -> None:
    """Only the resumed events (no response.created): the response is created by its first event.

    ``response.queued`` carries the whole response, so a fresh accumulator
    starts it there (one ``response.created`` Change), builds the same items
    and ends with the terminal response. Nothing is amiss: a stream may
    legitimately start after 0 (``starting_after``), so no gap is recorded.
    """
    fed = feed(events_of(RESUME))
    racc = fed.racc
    assert to_dict(racc.final_response) == terminal_response(RESUME)
    assert list(racc.responses) == [BACKGROUND_ID]
    assert racc.last_sequence_number == 16
    assert [(c.kind, c.id) for c in fed.changes[0]] == [("response.created", BACKGROUND_ID)]
    assert [c.kind for c in fed.flat()].count("response.created") == 1
    assert [c.kind for c in fed.flat()][1:] == [c.kind for c in fed_strict(INITIAL).flat()[2:]]
    assert kinds(racc.anomalies) == ()


# --- the error event, then response.failed -------------------------------------------------------

ERROR = "vercel_openai_error_event_then_failed.sse"


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
def test_error_event_is_recorded_and_the_failed_response_applies(strict: bool) -> None:
    """The nested wire ``error`` is kept (insufficient_quota), then ``response.failed`` applies."""
    fed = feed(events_of(ERROR), strict=strict)
    racc = fed.racc
    assert len(racc.errors) == 1
    assert to_dict(racc.errors[0]) == payloads(ERROR)[2]
    assert to_dict(racc.errors[0])["error"]["code"] == "insufficient_quota"
    assert [(c.kind, c.id, c.position) for c in fed.changes[2]] == [("error", "", 3)]
    [anomaly] = racc.anomalies
    assert (anomaly.kind, anomaly.position, anomaly.event) == ("server_error", 3, "error")
    assert "You exceeded" not in anomaly.message  # never the server's text
    final = to_dict(racc.final_response)
    assert final["status"] == "failed"
    assert final["error"]["code"] == "insufficient_quota"
    assert final["output"] == []
    assert [c.kind for c in fed.changes[3]] == ["response.done"]


# --- OpenRouter: no event lines, comments, [DONE] ------------------------------------------------

OPENROUTER = "NONOPENAI_openrouter_reasoning_text_done_marker.sse"


def test_openrouter_framing_gives_the_same_result_as_normal_framing() -> None:
    """No ``event:`` lines (type from the payload), ``:`` comments, ``data: [DONE]`` -> ``done``."""
    events = events_of(OPENROUTER)
    assert {e.event for e in events} == {"message"}
    fed = fed_strict(OPENROUTER)
    assert fed.racc.done is True
    assert [c.kind for c in fed.changes[-1]] == ["end"]
    assert fed.racc.last_sequence_number == 39  # [DONE] has no sequence number
    # The same stream framed as OpenAI frames it, without the [DONE] sentinel.
    reframed = [ServerSentEvent(event=json.loads(e.data)["type"], data=e.data) for e in events[:-1]]
    normal = feed(reframed)
    assert normal.racc.done is False
    assert to_dict(normal.racc.response) == to_dict(fed.racc.response)
    assert normal.racc.anomalies == fed.racc.anomalies


def test_openrouter_terminal_renames_the_reasoning_item() -> None:
    """The terminal's reasoning id differs from the streamed one: the terminal wins, recorded."""
    racc = fed_strict(OPENROUTER).racc
    [anomaly] = racc.anomalies
    assert anomaly.kind == "terminal_mismatch"
    assert anomaly.position == 40
    assert anomaly.event == "response.completed"
    assert "output[0]" in anomaly.path
    assert output_json(racc.final_response)[0]["id"] == "rs_tmp_ku4i7pagjwn"


# --- logprobs: the server's content_part.done drops them --------------------------------------

LOGPROBS = "openai_text_logprobs.sse"


def test_logprobs_dropped_by_content_part_done_is_a_done_mismatch() -> None:
    """Nine logprobs built from the deltas, ``content_part.done`` says ``[]``: recorded, done wins.

    Then ``output_item.done`` brings them back (rounded), and the terminal agrees with it.
    """
    sent = payloads(LOGPROBS)
    part_done_at = next(
        i for i, p in enumerate(sent) if p and p["type"] == "response.content_part.done"
    )
    assert sent[part_done_at]["part"]["logprobs"] == []  # type: ignore[index]
    racc = feed(events_of(LOGPROBS)[: part_done_at + 1]).racc
    [anomaly] = racc.anomalies
    assert (anomaly.kind, anomaly.position, anomaly.event) == (
        "done_mismatch",
        part_done_at + 1,
        "response.content_part.done",
    )
    assert "logprobs" in anomaly.path
    assert output_json(racc.response)[0]["content"][0]["logprobs"] == []
    final = fed_strict(LOGPROBS).racc.final_response
    item_done = sent[part_done_at + 1]
    assert output_json(final)[0] == item_done["item"]  # type: ignore[index]


# --- streams from before sequence numbers --------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["openai_fn_call_gpt4o_2025-03_noseq.sse", "openai_text_gpt4o_2025-03_noseq.sse"]
)
def test_streams_without_sequence_numbers_are_accepted(name: str) -> None:
    """No ``sequence_number`` anywhere: nothing is skipped as a repeat, no gap, no cursor."""
    assert all("sequence_number" not in p for p in payloads(name) if p)
    fed = fed_strict(name)
    assert fed.racc.last_sequence_number is None
    assert fed.racc.anomalies == []
    assert all(len(changes) == 1 for changes in fed.changes)


def test_function_call_arguments_done_without_name_keeps_the_name() -> None:
    """The 2025-03 ``function_call_arguments.done`` has no ``name``: the item keeps its name."""
    name = "openai_fn_call_gpt4o_2025-03_noseq.sse"
    index = next(
        i for i, p in enumerate(payloads(name)) if p and p["type"].endswith("arguments.done")
    )
    assert "name" not in payloads(name)[index]  # type: ignore[operator]
    racc = feed(events_of(name)[: index + 1]).racc
    item = output_json(racc.response)[0]
    assert (item["name"], item["arguments"]) == ("get_capital", '{"country":"France"}')


# --- unknown event types and an unknown item type ------------------------------------------------

APPLY_PATCH = "vercel_openai_apply_patch_diff_delta.sse"


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
def test_apply_patch_diff_events_build_the_diff(strict: bool) -> None:
    """``response.apply_patch_call_operation_diff.*`` (on the wire, not in the spec): never fatal.

    The contract types them (its event classes include both), so the deltas
    build ``operation.diff`` before ``output_item.done`` brings the whole call.
    """
    fed = feed(events_of(APPLY_PATCH), strict=strict)
    racc = fed.racc
    sent = [p for p in payloads(APPLY_PATCH) if p and p["type"].endswith("operation_diff.delta")]
    assert len(sent) == 32
    deltas = [c for c in fed.flat() if c.kind == "apply_patch_call_operation_diff.delta"]
    assert [c.delta for c in deltas] == [p["delta"] for p in sent]
    assert racc.anomalies == []
    assert racc.unknown_events == []
    diff_done_at = next(
        i for i, p in enumerate(payloads(APPLY_PATCH)) if p and p["type"].endswith("diff.done")
    )
    before_item_done = feed(events_of(APPLY_PATCH)[: diff_done_at + 1]).racc
    item = output_json(before_item_done.response)[0]
    assert item["operation"]["diff"] == payloads(APPLY_PATCH)[diff_done_at]["diff"]  # type: ignore[index]
    assert item["operation"]["diff"].startswith("+## Shopping Checklist")
    assert item["status"] == "in_progress"


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
def test_an_unknown_event_type_is_kept_and_changes_nothing(strict: bool) -> None:
    """An event type no spec names, amid a real stream: kept raw, an ``unknown`` Change, no harm."""
    payload = {
        "type": "response.future_feature.delta",
        "item_id": "apc_0372d86dfc1762fe00692741f3f3dc8190879cba489ff2fc8b",
        "output_index": 0,
        "delta": {"nested": [1, 2.5, None]},
    }
    unknown = ServerSentEvent(event=payload["type"], data=json.dumps(payload))
    events = list(events_of(APPLY_PATCH))
    fed = feed([*events[:10], unknown, *events[10:]], strict=strict)
    assert [c.kind for c in fed.changes[10]] == ["unknown"]
    [kept] = fed.racc.unknown_events
    assert kept.event == "response.future_feature.delta"
    assert to_dict(kept.data) == payload
    assert fed.racc.anomalies == []
    assert to_dict(fed.racc.final_response) == terminal_response(APPLY_PATCH)


COMPACTION = "openai_compaction_item.sse"


def test_compaction_item_is_kept_losslessly() -> None:
    """The ``compaction`` item: typed or UnknownObject, at its index, its done replacing added."""
    from streamkit.models.base import UnknownObject

    racc = fed_strict(COMPACTION).racc
    item = racc.final_response.output[1]
    assert getattr(item, "type", None) == "compaction" or isinstance(item, UnknownObject)
    payload = payloads(COMPACTION)
    added = next(
        p
        for p in payload
        if p and p["type"] == "response.output_item.added" and p["output_index"] == 1
    )
    done = next(
        p
        for p in payload
        if p and p["type"] == "response.output_item.done" and p["output_index"] == 1
    )
    assert added["item"]["encrypted_content"] != done["item"]["encrypted_content"]
    before_terminal = feed(events_of(COMPACTION)[:-1]).racc
    assert to_dict(before_terminal.response.output[1]) == done["item"]
    assert to_dict(item) == terminal_response(COMPACTION)["output"][1]  # type: ignore[index]


# --- through streamkit.replay --------------------------------------------------------------------


@pytest.mark.parametrize("recording", PARAMS)
def test_replay_detects_responses_and_ends_the_same(recording: Recording) -> None:
    """``streamkit.replay(path)`` detects the Responses protocol and ends in the same state."""
    path = DATA / recording.file
    if recording.file == ERROR:
        with pytest.raises(streamkit.StreamError):
            streamkit.replay(path)
        racc = streamkit.replay(path, strict=False)
    else:
        racc = streamkit.replay(path)
    assert isinstance(racc, streamkit.ResponseAccumulator)
    expected = fed_strict(recording.file).racc
    assert to_dict(racc.response) == to_dict(expected.response)
    assert racc.last_sequence_number == expected.last_sequence_number
    assert kinds(racc.anomalies) == kinds(expected.anomalies)
