// Which summary metrics matter most. Keel has no per-project setting for a main metric, so the
// first of these names a project's runs have stands for it, held-out results first.
const MAIN = ['test_accuracy', 'val_accuracy', 'val_loss', 'accuracy', 'loss'];

export const lowerIsBetter = k => /loss|error|err$|mse|mae|rmse|perplexity/i.test(k);

/** Metrics a person reads, not the monitor's system/ series or internal _keys. */
export const isUserMetric = k => !k.startsWith('system/') && !k.startsWith('_');

/** The project's main metric among its summary keys, or undefined. */
export function mainMetric(keys) {
  const user = keys.filter(isUserMetric);
  return MAIN.find(k => user.includes(k)) || user[0];
}

/** Summary keys in reading order: the main metric, test_*, val_*, then the rest by name. */
export function metricOrder(keys) {
  const main = mainMetric(keys);
  const rank = k => k === main ? 0 : k.startsWith('test_') ? 1 : k.startsWith('val_') ? 2 : 3;
  return keys.filter(isUserMetric).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
