import type { Child } from 'hono/jsx';

const STYLE = `
body{font-family:system-ui,-apple-system,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem}
article{background:#fff;border:1px solid #d8dde3;border-radius:8px;padding:1rem;margin:1rem 0}
.meta{color:#57606a;font-size:.9rem}
.parts{display:grid;grid-template-columns:1fr 1fr;gap:1rem}
iframe{width:100%;height:22rem;border:1px solid #d8dde3;border-radius:4px;background:#fff}
pre{white-space:pre-wrap;background:#f6f8fa;padding:.75rem;border-radius:4px;margin:0}
@media (max-width:40rem){.parts{grid-template-columns:1fr}}
`;

export function Layout(props: { title: string; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style>{STYLE}</style>
      </head>
      <body>
        <main>{props.children}</main>
      </body>
    </html>
  );
}
