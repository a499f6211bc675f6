/**
 * Keys that appear twice in one JSON object of `text` (`"bus":"a","bus":"a"`), with their
 * path. JSON.parse keeps the last one silently, so a log line with a key bound twice (a child
 * logger re-binding what its parent bound) looks fine to it and not to jq, Loki or a person.
 * A small recursive-descent reader; throws on text that is not JSON.
 */
export function duplicateKeys(text: string): string[] {
  let at = 0;
  const found: string[] = [];

  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at ${at} in ${text.slice(0, 120)}`);
  };
  const space = () => {
    while (at < text.length && ' \t\r\n'.includes(text[at]!)) at++;
  };
  const string = (): string => {
    if (text[at] !== '"') fail('expected a string');
    const start = at;
    for (at++; at < text.length && text[at] !== '"'; at++) if (text[at] === '\\') at++;
    if (at >= text.length) fail('unterminated string');
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const value = (path: string): void => {
    space();
    const c = text[at];
    if (c === '{') {
      at++;
      const keys = new Set<string>();
      space();
      if (text[at] === '}') {
        at++;
        return;
      }
      for (;;) {
        space();
        const key = string();
        if (keys.has(key)) found.push(path ? `${path}.${key}` : key);
        keys.add(key);
        space();
        if (text[at] !== ':') fail('expected ":"');
        at++;
        value(path ? `${path}.${key}` : key);
        space();
        if (text[at] === ',') at++;
        else if (text[at] === '}') {
          at++;
          return;
        } else fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      at++;
      space();
      if (text[at] === ']') {
        at++;
        return;
      }
      for (let index = 0; ; index++) {
        value(`${path}[${index}]`);
        space();
        if (text[at] === ',') at++;
        else if (text[at] === ']') {
          at++;
          return;
        } else fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const literal = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at, at + 40));
    if (!literal) fail('unexpected character');
    at += literal![0].length;
  };

  value('');
  space();
  if (at !== text.length) fail('trailing text');
  return found;
}
