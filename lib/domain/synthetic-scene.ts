import { boxArea, clipBox, intersectionArea, roundBox, type PixelBox } from "./box";
import { FACEMASK_CLASSES, type FacemaskClass } from "./classes";
import { SeededRandom, deriveSeed } from "./random";
import { recordOf } from "./record-of";

/**
 * Deterministic synthetic face-mask scenes: the embedded sample dataset. A scene is plain data
 * (layout, colours, ground-truth boxes); sceneToSvg draws it. Hard cases on purpose: small
 * faces, faces cut by the border, skin-coloured distractors, dark and blurred images, slight
 * head rotation, and the 75/20/5 class imbalance of the real Kaggle set.
 */
export interface SyntheticFace {
  className: FacemaskClass;
  cx: number;
  cy: number;
  /** half width and half height of the head ellipse */
  rx: number;
  ry: number;
  rotationDeg: number;
  skin: string;
  hair: string | null;
  maskColor: string;
  /** top of the mask as a fraction of ry below the centre (incorrect masks sit below the nose) */
  maskTop: number;
  /** ground truth, clipped to the image */
  box: PixelBox;
  truncated: boolean;
}

export interface SyntheticShape {
  kind: "rect" | "ellipse";
  x: number;
  y: number;
  w: number;
  h: number;
  color: string;
  opacity: number;
}

export interface SyntheticScene {
  width: number;
  height: number;
  backgroundFrom: string;
  backgroundTo: string;
  backgroundAngleDeg: number;
  clutter: SyntheticShape[];
  faces: SyntheticFace[];
  /** < 0 darkens, > 0 brightens (fraction of full black/white overlay) */
  lighting: number;
  blurSigma: number;
  jpegQuality: number;
}

/** Where a mask sits on a face: over the nose, below it (worn incorrectly), or nowhere. */
type MaskFit = "over-nose" | "below-nose" | "none";

/** How each class appears in the sample: its share of the faces and how its mask is worn. */
export const SCENE_CLASSES: Record<FacemaskClass, { share: number; mask: MaskFit }> = {
  with_mask: { share: 0.75, mask: "over-nose" },
  without_mask: { share: 0.2, mask: "none" },
  mask_weared_incorrect: { share: 0.05, mask: "below-nose" },
};

/**
 * The top edge of the mask, as a fraction of ry below the face's centre. A face without a mask
 * still draws one, so every class consumes the random sequence alike and the sample stays as it was.
 */
const MASK_TOP: Record<MaskFit, readonly [number, number]> = { "over-nose": [-0.02, 0.08], "below-nose": [0.3, 0.42], none: [-0.02, 0.08] };

const CLASS_WEIGHTS = recordOf(FACEMASK_CLASSES, (c) => SCENE_CLASSES[c].share);

const SKIN_TONES = ["#f6d7c3", "#eac0a2", "#d7a27f", "#b9825c", "#8d5a3b", "#5e3a26"];
const HAIR_COLORS = ["#1c1410", "#3b2a1e", "#6b4a2b", "#a67b4b", "#d9c08c", "#7a7a7a"];
const MASK_COLORS = ["#8ec9e8", "#f2f4f5", "#1f2328", "#2f4f8f", "#e7a3b6", "#6fa86b"];

export const MIN_FACE_WIDTH = 15;

export function generateScene(seed: number, index: number): SyntheticScene {
  const rng = new SeededRandom(deriveSeed(seed, index));
  const width = rng.int(320, 800);
  const height = Math.round(Math.min(800, Math.max(240, width * rng.range(0.6, 1.35))));
  const scene: SyntheticScene = {
    width,
    height,
    backgroundFrom: randomColor(rng),
    backgroundTo: randomColor(rng),
    backgroundAngleDeg: rng.int(0, 359),
    clutter: [],
    faces: [],
    lighting: rng.chance(0.25) ? -rng.range(0.15, 0.5) : rng.chance(0.2) ? rng.range(0.05, 0.2) : 0,
    blurSigma: rng.chance(0.3) ? rng.range(0.4, 1.4) : 0,
    jpegQuality: rng.int(60, 95),
  };

  const clutterCount = rng.int(3, 14);
  for (let i = 0; i < clutterCount; i++) {
    // Some clutter is skin-coloured and round: a detector must learn faces, not skin blobs.
    const skinDistractor = rng.chance(0.15);
    const w = rng.range(10, width * 0.5);
    scene.clutter.push({
      kind: skinDistractor || rng.chance(0.4) ? "ellipse" : "rect",
      x: rng.range(-w / 2, width),
      y: rng.range(-w / 2, height),
      w,
      h: skinDistractor ? w * rng.range(1.1, 1.3) : rng.range(10, height * 0.5),
      color: skinDistractor ? rng.pick(SKIN_TONES) : randomColor(rng),
      opacity: rng.range(0.35, 1),
    });
  }

  const faceCount = rng.int(1, 8);
  for (let attempt = 0; attempt < faceCount * 25 && scene.faces.length < faceCount; attempt++) {
    const face = randomFace(rng, width, height);
    if (face && !overlapsTooMuch(face.box, scene.faces)) scene.faces.push(face);
  }
  // Far (small) faces first so near faces are drawn over them.
  scene.faces.sort((a, b) => a.rx - b.rx);
  return scene;
}

function randomFace(rng: SeededRandom, width: number, height: number): SyntheticFace | null {
  const size = rng.weighted({ small: 0.35, medium: 0.45, large: 0.2 });
  const maxLarge = Math.max(90, Math.min(220, 0.45 * Math.min(width, height)));
  const faceWidth =
    size === "small" ? rng.range(MIN_FACE_WIDTH, 30) : size === "medium" ? rng.range(30, 90) : rng.range(90, maxLarge);
  const rx = faceWidth / 2;
  const ry = rx * rng.range(1.15, 1.35);
  const rotationDeg = rng.range(-15, 15);
  // A few faces are cut by the border, as in real crowd photos.
  const cutByBorder = rng.chance(0.08);
  const margin = cutByBorder ? -rx * 0.6 : rx * 1.1;
  if (width - 2 * margin <= 0 || height - 2 * ry * (cutByBorder ? -0.6 : 1.1) <= 0) return null;
  const cx = rng.range(margin, width - margin);
  const marginY = cutByBorder ? -ry * 0.6 : ry * 1.1;
  const cy = rng.range(marginY, height - marginY);

  // Bounding box of the rotated head ellipse.
  const t = (rotationDeg * Math.PI) / 180;
  const halfW = Math.sqrt((rx * Math.cos(t)) ** 2 + (ry * Math.sin(t)) ** 2);
  const halfH = Math.sqrt((rx * Math.sin(t)) ** 2 + (ry * Math.cos(t)) ** 2);
  const full = { xmin: cx - halfW, ymin: cy - halfH, xmax: cx + halfW, ymax: cy + halfH };
  // Ground truth on whole pixels, as annotation tools write it.
  const box = roundBox(clipBox(full, { width, height }));
  if (box.xmax - box.xmin < MIN_FACE_WIDTH * 0.6 || box.ymax - box.ymin < MIN_FACE_WIDTH * 0.6) return null;

  const className = rng.weighted(CLASS_WEIGHTS);
  return {
    className,
    cx,
    cy,
    rx,
    ry,
    rotationDeg,
    skin: rng.pick(SKIN_TONES),
    hair: rng.chance(0.8) ? rng.pick(HAIR_COLORS) : null,
    maskColor: rng.pick(MASK_COLORS),
    maskTop: rng.range(...MASK_TOP[SCENE_CLASSES[className].mask]),
    box,
    truncated: boxArea(clipBox(full, { width, height })) < boxArea(full) * 0.98,
  };
}

function overlapsTooMuch(box: PixelBox, faces: SyntheticFace[]): boolean {
  return faces.some((f) => intersectionArea(box, f.box) > 0.1 * Math.min(boxArea(box), boxArea(f.box)));
}

function randomColor(rng: SeededRandom): string {
  const channel = () => rng.int(0, 255).toString(16).padStart(2, "0");
  return `#${channel()}${channel()}${channel()}`;
}

/** Draws a scene as SVG (sized in pixels). Face parts are placed relative to the head ellipse. */
export function sceneToSvg(scene: SyntheticScene): string {
  const parts: string[] = [];
  const { width, height } = scene;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<defs><linearGradient id="bg" gradientTransform="rotate(${scene.backgroundAngleDeg} 0.5 0.5)">`,
    `<stop offset="0" stop-color="${scene.backgroundFrom}"/><stop offset="1" stop-color="${scene.backgroundTo}"/>`,
    `</linearGradient></defs>`,
    `<rect width="${width}" height="${height}" fill="url(#bg)"/>`,
  );
  for (const s of scene.clutter) {
    parts.push(
      s.kind === "rect"
        ? `<rect x="${f(s.x)}" y="${f(s.y)}" width="${f(s.w)}" height="${f(s.h)}" fill="${s.color}" fill-opacity="${f(s.opacity)}"/>`
        : `<ellipse cx="${f(s.x + s.w / 2)}" cy="${f(s.y + s.h / 2)}" rx="${f(s.w / 2)}" ry="${f(s.h / 2)}" fill="${s.color}" fill-opacity="${f(s.opacity)}"/>`,
    );
  }
  for (const face of scene.faces) parts.push(faceToSvg(face));
  if (scene.lighting !== 0) {
    const color = scene.lighting < 0 ? "#000" : "#fff";
    parts.push(`<rect width="${width}" height="${height}" fill="${color}" fill-opacity="${f(Math.abs(scene.lighting))}"/>`);
  }
  parts.push("</svg>");
  return parts.join("");
}

function faceToSvg(face: SyntheticFace): string {
  const { rx, ry } = face;
  const shade = "#00000033";
  const p: string[] = [`<g transform="translate(${f(face.cx)} ${f(face.cy)}) rotate(${f(face.rotationDeg)})">`];
  p.push(`<rect x="${f(-rx * 0.45)}" y="${f(ry * 0.7)}" width="${f(rx * 0.9)}" height="${f(ry * 0.6)}" fill="${face.skin}"/>`);
  if (face.hair) p.push(`<ellipse cx="0" cy="${f(-ry * 0.18)}" rx="${f(rx * 1.06)}" ry="${f(ry * 0.92)}" fill="${face.hair}"/>`);
  p.push(`<ellipse cx="${f(-rx)}" cy="${f(ry * 0.02)}" rx="${f(rx * 0.16)}" ry="${f(ry * 0.2)}" fill="${face.skin}"/>`);
  p.push(`<ellipse cx="${f(rx)}" cy="${f(ry * 0.02)}" rx="${f(rx * 0.16)}" ry="${f(ry * 0.2)}" fill="${face.skin}"/>`);
  p.push(`<ellipse cx="0" cy="0" rx="${f(rx)}" ry="${f(ry)}" fill="${face.skin}"/>`);
  if (face.hair) p.push(`<path d="M ${f(-rx)} ${f(-ry * 0.25)} Q 0 ${f(-ry * 1.25)} ${f(rx)} ${f(-ry * 0.25)} Q 0 ${f(-ry * 0.75)} ${f(-rx)} ${f(-ry * 0.25)} Z" fill="${face.hair}"/>`);
  for (const side of [-1, 1]) {
    const ex = side * rx * 0.38;
    const ey = -ry * 0.16;
    p.push(`<line x1="${f(ex - rx * 0.18)}" y1="${f(ey - ry * 0.17)}" x2="${f(ex + rx * 0.18)}" y2="${f(ey - ry * 0.2)}" stroke="#2a1d15" stroke-width="${f(Math.max(0.6, rx * 0.06))}"/>`);
    p.push(`<ellipse cx="${f(ex)}" cy="${f(ey)}" rx="${f(rx * 0.15)}" ry="${f(ry * 0.07)}" fill="#f8f8f8"/>`);
    p.push(`<circle cx="${f(ex)}" cy="${f(ey)}" r="${f(rx * 0.065)}" fill="#2b2220"/>`);
  }
  // Nose: its tip at 0.24 ry is what a correct mask covers and an incorrect one leaves out.
  p.push(`<path d="M 0 ${f(-ry * 0.08)} L ${f(rx * 0.13)} ${f(ry * 0.24)} L ${f(-rx * 0.13)} ${f(ry * 0.24)} Z" fill="${shade}"/>`);
  p.push(`<ellipse cx="0" cy="${f(ry * 0.5)}" rx="${f(rx * 0.3)}" ry="${f(ry * 0.075)}" fill="#a8434b"/>`);
  if (SCENE_CLASSES[face.className].mask !== "none") {
    const top = ry * face.maskTop;
    const bottom = Math.min(ry * 1.05, top + ry * 0.95);
    const w = rx * 0.9;
    p.push(`<line x1="${f(-w)}" y1="${f(top + ry * 0.12)}" x2="${f(-rx * 1.02)}" y2="${f(-ry * 0.05)}" stroke="${face.maskColor}" stroke-width="${f(Math.max(0.6, rx * 0.05))}"/>`);
    p.push(`<line x1="${f(w)}" y1="${f(top + ry * 0.12)}" x2="${f(rx * 1.02)}" y2="${f(-ry * 0.05)}" stroke="${face.maskColor}" stroke-width="${f(Math.max(0.6, rx * 0.05))}"/>`);
    p.push(`<path d="M ${f(-w)} ${f(top + ry * 0.1)} Q 0 ${f(top - ry * 0.1)} ${f(w)} ${f(top + ry * 0.1)} L ${f(w * 0.92)} ${f(bottom - ry * 0.3)} Q 0 ${f(bottom + ry * 0.12)} ${f(-w * 0.92)} ${f(bottom - ry * 0.3)} Z" fill="${face.maskColor}"/>`);
    for (const k of [0.3, 0.5, 0.7]) {
      const y = top + (bottom - top) * k;
      p.push(`<line x1="${f(-w * 0.85)}" y1="${f(y)}" x2="${f(w * 0.85)}" y2="${f(y)}" stroke="${shade}" stroke-width="${f(Math.max(0.4, ry * 0.02))}"/>`);
    }
  }
  p.push("</g>");
  return p.join("");
}

function f(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}
