import type { StateWord } from "./status-words";

/**
 * The word for a state that arrives as a plain string (a JSON payload, a URL): the vocabulary's own
 * where it knows the value, else the stored value itself in a neutral tone, so a state added on the
 * server but not yet here still reads as something.
 */
export function wordOf<K extends string>(words: Readonly<Record<K, StateWord>>, value: string): StateWord {
  return Object.hasOwn(words, value) ? words[value as K] : { label: value, tone: "neutral" };
}
