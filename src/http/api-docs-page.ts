/**
 * The API reference page at /api/docs: an HTML shell and its script, kept as text here so the
 * compiled service (dist/) carries them without a copy step. The script fetches
 * /api/openapi.json and lists the operations by tag, with who may call them and their request
 * and response schemas. It builds the page with textContent only (nothing from the document is
 * parsed as HTML) and has no inline script or style: the Content-Security-Policy stays as strict
 * as the dashboard's. For a richer view, load /api/openapi.json into any OpenAPI tool.
 */
export const apiDocsHtml = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Pressroom API reference</title>
    <script src="/api/docs/reference.js" defer></script>
  </head>
  <body>
    <h1>Pressroom API reference</h1>
    <p>Rendered from <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Errors are <code>{ error: { code, message, details? } }</code>.</p>
    <main id="reference">Loading…</main>
  </body>
</html>
`;

export const apiDocsScript = `'use strict';
(async function renderReference() {
  const main = document.getElementById('reference');
  const el = (tag, text, children) => {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    for (const child of children || []) node.appendChild(child);
    return node;
  };
  let doc;
  try {
    const res = await fetch('/api/openapi.json', { credentials: 'same-origin' });
    doc = await res.json();
  } catch (error) {
    main.textContent = 'Could not load /api/openapi.json: ' + error;
    return;
  }
  main.textContent = '';
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, op });
    }
  }
  const schemaText = (content) => {
    if (!content) return '';
    return Object.entries(content).map(([type, media]) => type + ': ' + JSON.stringify(media.schema, null, 2)).join('\\n');
  };
  for (const [tag, operations] of byTag) {
    main.appendChild(el('h2', tag));
    for (const { path, method, op } of operations) {
      const details = el('details');
      details.appendChild(el('summary', method.toUpperCase() + ' ' + path + (op.summary ? ' — ' + op.summary : '')));
      if (op.description) details.appendChild(el('p', op.description));
      details.appendChild(el('p', 'Who: ' + (op['x-roles'] || []).join(', ')));
      const params = (op.parameters || []).map((p) => p.in + ' ' + p.name + (p.required ? ' (required)' : '') + ': ' + JSON.stringify(p.schema));
      if (params.length) details.appendChild(el('pre', 'Parameters:\\n' + params.join('\\n')));
      if (op.requestBody) details.appendChild(el('pre', 'Body:\\n' + schemaText(op.requestBody.content)));
      for (const [status, response] of Object.entries(op.responses || {})) {
        details.appendChild(el('pre', status + ' ' + (response.description || '') + '\\n' + schemaText(response.content)));
      }
      main.appendChild(details);
    }
  }
  const components = el('details', undefined, [el('summary', 'Schemas')]);
  for (const [name, schema] of Object.entries((doc.components && doc.components.schemas) || {})) {
    components.appendChild(el('pre', name + ': ' + JSON.stringify(schema, null, 2)));
  }
  main.appendChild(components);
})();
`;
