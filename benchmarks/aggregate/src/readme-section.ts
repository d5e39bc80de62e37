// The root README's benchmark section: only the text between the markers is ever rewritten.

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';

/** The README with the section replaced, or undefined when the markers are absent or out of order. */
export function replaceBenchSection(readme: string, section: string): string | undefined {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a || readme.indexOf(START, a + 1) >= 0 || readme.indexOf(END, b + 1) >= 0) return undefined;
  return `${readme.slice(0, a + START.length)}\n${section.trim()}\n${readme.slice(b)}`;
}
