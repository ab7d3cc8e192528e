// How tall an email's HTML part renders in a frame of a given width, estimated on the server. The dev
// mailbox has no script to measure its frames (the pages' CSP allows none), so it sizes each frame from
// this estimate (its stylesheet, GET /dev/mail/frames.css) and links to the email alone at full size.
//
// The model is the layout every email of ours has (src/domain/email-layout.ts), which is also the common
// shape of an HTML email: a centred card at most 560 px wide with 24 px of padding, 12 px beside it and
// 24 px above and below; 16 px text on 24 px lines; paragraphs 16 px apart; label/value rows. Text is
// wrapped word by word (a word longer than a line breaks anywhere, as `overflow-wrap: anywhere` does) at
// a generous average glyph width, and the total gets a margin: a little blank space below an email is
// better than a scrollbar inside its frame.

const CARD_MAX = 560;
const CARD_PADDING = 24;
const OUTER_SIDE = 12;
const OUTER_TOP_BOTTOM = 24;
const LINE = 24;
const PARAGRAPH_GAP = 16;
const ROW_GAP = 8;
const TABLE_GAP = 16;
/** Average glyph width of 16 px sans-serif text, rounded up (digits and capitals are wide). */
const GLYPH = 8.5;
const BOLD_GLYPH = 9.5;
/** A label cell's padding on its right. */
const CELL_GAP = 16;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
    }
    return ENTITIES[name.toLowerCase()] ?? entity;
  });
}

/** The visible text of a piece of HTML, white space collapsed. */
function textOf(html: string): string {
  return decode(html.replace(/<[^>]*>/g, ''))
    .replace(/\s+/g, ' ')
    .trim();
}

/** How many lines `text` takes at `width` px: greedy word wrap, over-long words broken anywhere. */
function lineCount(text: string, width: number): number {
  const perLine = Math.max(1, Math.floor(width / GLYPH));
  let lines = 1;
  let used = 0;
  for (const word of text.split(' ')) {
    const length = [...word].length;
    if (used > 0 && used + 1 + length <= perLine) {
      used += 1 + length;
      continue;
    }
    if (used > 0) lines += 1;
    lines += Math.ceil(length / perLine) - 1;
    used = length % perLine || perLine;
  }
  return lines;
}

/** The cells' texts of each row of `table` that has a label and a value (two cells or more). */
function labelRows(table: string): string[][] {
  return [...table.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/gi)]
    .map((row) => [...(row[1] ?? '').matchAll(/<(t[hd])\b[^>]*>([\s\S]*?)<\/\1>/gi)].map((m) => textOf(m[2] ?? '')))
    .filter((cells) => cells.length >= 2 && cells.some(Boolean));
}

/**
 * A table of label/value rows: the labels (bold, unbroken) make one column as wide as the widest of
 * them, the values share what is left; each row is as tall as its tallest cell.
 */
function labelTableHeight(rows: string[][], width: number): number {
  const widest = Math.max(...rows.map(([label = '']) => [...label].length));
  // Labels do not wrap: their column keeps its width, however little is left for the values.
  const labelWidth = Math.min(width - 3 * GLYPH, widest * BOLD_GLYPH + CELL_GAP);
  let height = 0;
  for (const [label = '', ...values] of rows) {
    const valueWidth = (width - labelWidth) / values.length;
    const lines = Math.max(lineCount(label, labelWidth - CELL_GAP), ...values.map((v) => lineCount(v, valueWidth)));
    height += lines * LINE + ROW_GAP;
  }
  return height + TABLE_GAP;
}

/** The height in px of the email `html` in a frame `frameWidth` px wide: an estimate, on the generous side. */
export function estimateEmailHeight(html: string, frameWidth: number): number {
  const body = (/<body\b[^>]*>([\s\S]*)<\/body>/i.exec(html)?.[1] ?? html)
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1>/gi, '');
  const content = Math.max(40, Math.min(frameWidth - 2 * OUTER_SIDE, CARD_MAX) - 2 * CARD_PADDING);
  let height = 2 * OUTER_TOP_BOTTOM + 2 * CARD_PADDING;
  // Tables of label/value rows first (each one block), then the rest split at block-level tags.
  const rest = body.replace(/<table\b[^>]*>((?:(?!<table\b)[\s\S])*?)<\/table>/gi, (table) => {
    const rows = labelRows(table);
    if (rows.length === 0) return table;
    height += labelTableHeight(rows, content);
    return '<table>';
  });
  for (const block of rest.split(/<\/?(?:p|div|li|h[1-6]|table|tbody|blockquote|pre|ul|ol|hr|br|tr|td|th)\b[^>]*>/i)) {
    const text = textOf(block);
    if (text) height += lineCount(text, content) * LINE + PARAGRAPH_GAP;
  }
  return Math.ceil((height * 1.1 + 24) / 8) * 8;
}
