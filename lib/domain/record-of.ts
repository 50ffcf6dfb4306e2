/** A Record over a vocabulary, one entry per item: the typed form of Object.fromEntries(items.map(…)). */
export function recordOf<const K extends string, V>(keys: readonly K[], value: (key: K) => V): Record<K, V> {
  return Object.fromEntries(keys.map((key) => [key, value(key)])) as Record<K, V>;
}
