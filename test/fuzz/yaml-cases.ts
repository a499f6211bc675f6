/**
 * Text-level damage to YAML files (what structural mutation cannot reach: syntax, bytes,
 * encodings, aliases) and a fixed list of nasty whole files.
 */
import type { Random } from './prng.js';

export interface TextCase {
  content: string | Buffer;
  label: string;
}

/** Nine levels of nine aliases each: 9^7 ≈ 4.8 million strings once expanded. */
export const BILLION_LAUGHS = [
  'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...'bcdefg'.split('').map((name, i) => {
    const previous = 'abcdefg'[i]!;
    return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(', ')}]`;
  }),
].join('\n');

export const FIXED_CASES: readonly TextCase[] = [
  { content: '', label: 'an empty file' },
  { content: '   \n\n\t\n', label: 'only whitespace' },
  { content: '# nothing here but a comment\n', label: 'only a comment' },
  { content: '~\n', label: 'a null document' },
  { content: 'just a sentence\n', label: 'a scalar document' },
  { content: '- one\n- two\n', label: 'a list document' },
  { content: '42', label: 'a number document' },
  { content: Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x80, 0x9f, 0x0a, 0x7f, 0xc3, 0x28]), label: 'a binary file' },
  { content: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('buses: []\n', 'utf16le')]), label: 'UTF-16 with a BOM' },
  { content: BILLION_LAUGHS, label: 'billion laughs (alias bomb)' },
  { content: `${BILLION_LAUGHS}\nbuses: *g\n`, label: 'an alias bomb used as a setting' },
  { content: 'buses: *nowhere\n', label: 'an alias to an anchor that does not exist' },
  { content: 'buses: &loop [*loop]\n', label: 'an alias inside its own anchor' },
  { content: 'buses: [\n  { id: a, kind: tcp\n', label: 'an unclosed flow sequence' },
  { content: 'buses:\n\t- id: a\n', label: 'a tab as indentation' },
  { content: 'server: {port: 1}\nserver: {port: 2}\n', label: 'a duplicate key' },
  { content: '---\nbuses: []\n---\npresses: []\n', label: 'two documents in one file' },
  { content: 'buses: !!binary AAAA\n', label: 'a !!binary tag' },
  { content: 'buses: !custom-tag {x: 1}\n', label: 'an unknown tag' },
  { content: 'server: {port: .inf}\n', label: 'an infinite port' },
  { content: 'server: {port: .nan}\n', label: 'a NaN port' },
  { content: `buses: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, label: 'flow sequences 5000 deep' },
  { content: `buses:\n${Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i + 1)}- `).join('\n')}x\n`, label: 'block sequences 300 deep' },
  { content: `"${'x'.repeat(200_000)}`, label: 'an unterminated 200 kB string' },
  { content: `${'k: v\n'.repeat(2)}${Array.from({ length: 2000 }, (_, i) => `key${i}: ${i}`).join('\n')}`, label: '2,000 keys and a duplicate' },
  { content: '{"buses": [], "presses": [}', label: 'broken JSON' },
];

/** Damages `text` in one random way. */
export function textMutation(text: string, random: Random): TextCase {
  const lines = text.split('\n');
  const line = random.int(0, Math.max(0, lines.length - 1));
  switch (random.int(0, 7)) {
    case 0: {
      const at = random.int(0, text.length);
      return { content: text.slice(0, at), label: `truncated at ${at} of ${text.length}` };
    }
    case 1: {
      const at = random.int(0, text.length);
      const bytes = random.bytes(random.int(1, 16));
      return { content: Buffer.concat([Buffer.from(text.slice(0, at)), bytes, Buffer.from(text.slice(at))]), label: `${bytes.length} random bytes at ${at}` };
    }
    case 2: {
      const copy = [...lines];
      copy.splice(line, 0, lines[line] ?? '');
      return { content: copy.join('\n'), label: `line ${line + 1} doubled (duplicate key)` };
    }
    case 3: {
      const copy = [...lines];
      copy[line] = (copy[line] ?? '').replace(/^( +)/, (spaces) => '\t'.repeat(Math.max(1, spaces.length / 2)));
      return { content: copy.join('\n'), label: `tabs for the indentation of line ${line + 1}` };
    }
    case 4: {
      const at = random.int(0, Math.max(0, text.length - 1));
      const char = random.pick([':', '-', '[', '{', '"', "'", '&', '*', '!', '|', '>', '%', '@', '`', '#', '\u0000', '\ufeff']);
      return { content: text.slice(0, at) + char + text.slice(at + 1), label: `character ${at} replaced by ${JSON.stringify(char)}` };
    }
    case 5: {
      const copy = [...lines];
      copy.splice(line, 1);
      return { content: copy.join('\n'), label: `line ${line + 1} deleted` };
    }
    case 6: {
      const copy = [...lines];
      copy[line] = ` ${copy[line] ?? ''}`;
      return { content: copy.join('\n'), label: `line ${line + 1} indented by one space` };
    }
    default:
      return { content: `\ufeff${text}`, label: 'a byte-order mark in front' };
  }
}
