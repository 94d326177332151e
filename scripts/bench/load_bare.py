"""The bare route of the load benchmark: one Flask route returning a small HTML page, served by
the same gunicorn settings as the app (``gunicorn -c gunicorn.conf.py load_bare:app``), so the
app's figures can be read against what this machine does with no application work at all."""

from flask import Flask

app = Flask(__name__)

PAGE = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>评分</title></head>'
    "<body><main><h1>评分表</h1><p>这是一页最简单的 HTML，用来衡量服务器本身的速度。</p>"
    + "".join(f"<p>条目 {i}</p>" for i in range(20))
    + "</main></body></html>"
)


@app.route("/bare")
def bare():
    return PAGE
