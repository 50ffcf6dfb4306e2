import { gridPoints } from "../common/box-coding";

/** The grid points of all feature levels, level by level (the order of the model's outputs). */
export interface PointGrid {
  x: Float32Array;
  y: Float32Array;
  stride: Float32Array;
  /** index of the first point of each level */
  levelStarts: number[];
  count: number;
}

export function pointGrid(inputSize: number, strides: readonly number[]): PointGrid {
  const levels = strides.map((stride) => ({ stride, points: gridPoints(inputSize, stride) }));
  const count = levels.reduce((sum, level) => sum + level.points.length, 0);
  const grid: PointGrid = { x: new Float32Array(count), y: new Float32Array(count), stride: new Float32Array(count), levelStarts: [], count };
  let at = 0;
  for (const level of levels) {
    grid.levelStarts.push(at);
    for (const point of level.points) {
      grid.x[at] = point.x;
      grid.y[at] = point.y;
      grid.stride[at] = level.stride;
      at++;
    }
  }
  return grid;
}
