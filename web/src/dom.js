/* A tiny element builder: h('td', {class: 'num', text: '3'}, child, ...). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k === 'on') for (const [event, fn] of Object.entries(v)) el.addEventListener(event, fn);
    else if (k === 'style') el.style.cssText = v; // through the CSSOM: the Content-Security-Policy refuses style attributes
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

export const $ = (id) => document.getElementById(id);

/** A table with a caption: columns [{label, num}], rows of cells (strings or nodes); a row may be {cells, attrs}. */
export function table({ id, caption, columns, rows, empty, rowHeader = 0 }) {
  const head = h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null, text: c.label }))));
  const body = h('tbody');
  for (const row of rows) {
    const cells = Array.isArray(row) ? row : row.cells;
    const tr = h('tr', Array.isArray(row) ? {} : row.attrs);
    cells.forEach((cell, i) => {
      const isHeader = i === rowHeader;
      const el = h(isHeader ? 'th' : 'td', { scope: isHeader ? 'row' : null, class: columns[i] && columns[i].num ? 'num' : null });
      if (cell instanceof Node) el.append(cell);
      else el.textContent = cell === null || cell === undefined ? '' : String(cell);
      tr.append(el);
    });
    body.append(tr);
  }
  if (!rows.length && empty) body.append(h('tr', {}, h('td', { colspan: String(columns.length), text: empty })));
  const el = h('table', { id, 'data-testid': id }, h('caption', { text: caption }), head, body);
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption }, el);
}
