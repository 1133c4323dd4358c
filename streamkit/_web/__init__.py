"""The live web view of a stream (``streamkit serve``, ``streamkit demo --web``).

:mod:`streamkit._web.server` is the I/O shell: a Starlette app served by uvicorn that reads a
source (a recording, or a live run or response through the client), feeds an accumulator and
sends its Changes as JSON patches (:class:`streamkit.PatchEncoder`) on ``/events``, the whole
state on ``/snapshot``, and the page in ``static/`` (plain HTML, CSS and JavaScript, no build
step) on ``/``. It needs the ``web`` extra (``pip install 'streamkit[web]'``); ``import
streamkit`` never imports it.
"""
