"""The GraphiQL page. Its scripts and styles are served from /graphql/assets/ (see
static/README.md), so it works without a CDN; static/graphiql-init.js starts it."""

from __future__ import annotations

ASSETS_PATH = "/graphql/assets"

GRAPHIQL_HTML = f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Invoice gateway · GraphiQL</title>
    <style>
      body {{ margin: 0; height: 100vh; overflow: hidden; }}
      #graphiql {{ height: 100vh; }}
    </style>
    <link rel="stylesheet" href="{ASSETS_PATH}/graphiql.min.css" />
    <script src="{ASSETS_PATH}/react.production.min.js"></script>
    <script src="{ASSETS_PATH}/react-dom.production.min.js"></script>
    <script src="{ASSETS_PATH}/graphiql.min.js"></script>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script src="{ASSETS_PATH}/graphiql-init.js"></script>
  </body>
</html>
"""
