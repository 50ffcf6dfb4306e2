/**
 * Repeat-factor sampling (LVIS, Gupta et al. 2019): an image is shown more often per epoch when it
 * holds a rare class. With f_c the fraction of training images containing class c and t the
 * threshold, a class's factor is max(1, √(t / f_c)); an image takes the largest factor of its
 * classes. Rare `mask_weared_incorrect` faces (about 3 % of boxes) get seen several times per
 * epoch instead of being drowned out.
 */
export function repeatFactors(imageClasses: ReadonlyArray<ReadonlySet<number>>, threshold = 0.3): number[] {
  const images = imageClasses.length;
  const containing = new Map<number, number>();
  for (const classes of imageClasses) for (const c of classes) containing.set(c, (containing.get(c) ?? 0) + 1);
  const classFactor = new Map<number, number>();
  for (const [c, count] of containing) classFactor.set(c, Math.max(1, Math.sqrt(threshold / (count / images))));
  return imageClasses.map((classes) => Math.max(1, ...[...classes].map((c) => classFactor.get(c)!)));
}

/**
 * One epoch's sample list from repeat factors: each image ⌊r⌋ times, plus once more with
 * probability r − ⌊r⌋ (drawn from `random`, so a seeded run repeats exactly).
 */
export function epochSamples(factors: readonly number[], random: () => number): number[] {
  const samples: number[] = [];
  factors.forEach((factor, index) => {
    const copies = Math.floor(factor) + (random() < factor - Math.floor(factor) ? 1 : 0);
    for (let i = 0; i < copies; i++) samples.push(index);
  });
  return samples;
}
