// A run's colour, the same on every page (runs table, charts, compare, parallel coordinates):
// derived from the run's id alone, never from where the run sits in a list.

// Sixteen colours that stay apart from each other on white (no two oranges next to each other).
const PALETTE = ['#2f6fed', '#e8590c', '#2b8a3e', '#c2255c', '#7048e8', '#0b7285', '#343a40', '#f59f00',
  '#1864ab', '#a61e4d', '#5c940d', '#862e9c', '#087f5b', '#c92a2a', '#364fc7', '#868e96'];

// FNV-1a over the id's characters: cheap, and spreads ids that differ in one character.
function hash(s) {
  let x = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    x ^= s.charCodeAt(i);
    x = Math.imul(x, 0x01000193) >>> 0;
  }
  return x;
}

export function runColor(id) {
  return PALETTE[hash(String(id)) % PALETTE.length];
}
