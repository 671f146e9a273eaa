import { GLYPH_MARKS, hasDisc, type IconGlyph } from '../components/glyphMarks';

const SVG = 'http://www.w3.org/2000/svg';

function svgNode(tag: string, attributes: Record<string, string>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const name in attributes) node.setAttribute(name, attributes[name]!);
  return node;
}

/** The glyph as the React `PresenceIcon` draws it, from the same table, as DOM nodes. */
export function renderIcon(glyph: IconGlyph, px?: number): SVGElement {
  const svg = svgNode('svg', { class: 'pw-icon', 'data-glyph': glyph, viewBox: '0 0 32 32' });
  if (px !== undefined) {
    svg.setAttribute('width', String(px));
    svg.setAttribute('height', String(px));
  }
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  if (hasDisc(glyph)) svg.append(svgNode('circle', { cx: '16', cy: '16', r: '16' }));
  if (GLYPH_MARKS[glyph]) svg.append(svgNode('path', { d: GLYPH_MARKS[glyph] }));
  return svg;
}

/** An SVG with one path, for the picker's chevron and check mark. */
export function renderPathIcon(className: string, d: string): SVGElement {
  const svg = svgNode('svg', { class: className, viewBox: '0 0 16 16', 'aria-hidden': 'true', focusable: 'false' });
  svg.append(svgNode('path', { d }));
  return svg;
}

/** An HTML element with a class and text (text only: server strings never become markup). */
export function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
