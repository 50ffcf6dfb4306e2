import { describe, expect, it } from "vitest";
import { InferenceQueue, ServingBusyError } from "./inference-queue";

/** A job that ends when the test says so, recording which lane ran it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("the inference queue", () => {
  it("starts requests in arrival order on the first free lane, never more at once than lanes", async () => {
    const queue = new InferenceQueue(2, 10);
    const started: Array<[number, number]> = [];
    const gates = Array.from({ length: 5 }, gate);
    const done = gates.map((g, n) =>
      queue.run(async (lane) => {
        started.push([n, lane]);
        await g.opened;
        return n;
      }),
    );
    await settle();
    expect(started).toEqual([[0, 0], [1, 1]]);
    expect(queue.state()).toMatchObject({ busy: 2, waiting: 3 });
    gates[1]!.open();
    await settle();
    expect(started.at(-1)).toEqual([2, 1]);
    gates[0]!.open();
    await settle();
    expect(started.at(-1)).toEqual([3, 0]);
    for (const g of gates) g.open();
    expect(await Promise.all(done)).toEqual([0, 1, 2, 3, 4]);
    expect(queue.state()).toMatchObject({ busy: 0, waiting: 0 });
  });

  it("counts a place from the moment it is taken; a later ready request passes one still preparing", async () => {
    const queue = new InferenceQueue(1, 2);
    const blocker = gate();
    const running = queue.run(() => blocker.opened);
    const preparing = queue.enter(); // an image still decoding
    const ready = queue.enter();
    expect(() => queue.enter()).toThrow(ServingBusyError);
    const order: string[] = [];
    const readyDone = ready.run(async () => void order.push("ready"));
    blocker.open();
    await running;
    await readyDone;
    const preparedDone = preparing.run(async () => void order.push("prepared"));
    await preparedDone;
    expect(order).toEqual(["ready", "prepared"]);
  });

  it("refuses past the limit with 503 and a Retry-After from the recent pace, and gives a left place back", async () => {
    const queue = new InferenceQueue(2, 3);
    await queue.run(() => new Promise((resolve) => setTimeout(resolve, 20)));
    const places = [queue.enter(), queue.enter(), queue.enter()];
    let refused: ServingBusyError | undefined;
    try {
      queue.enter();
    } catch (error) {
      refused = error as ServingBusyError;
    }
    expect(refused).toBeInstanceOf(ServingBusyError);
    expect(refused!.status).toBe(503);
    expect(refused!.headers["Retry-After"]).toMatch(/^[1-9]\d*$/); // whole seconds, at least one
    expect(refused!.message).toMatch(/3 requests are already waiting for 2 inference threads/);
    places[0]!.leave();
    places[0]!.leave(); // twice is once
    expect(queue.state().waiting).toBe(2);
    expect(() => queue.enter().leave()).not.toThrow();
    for (const place of places.slice(1)) place.leave();
    expect(queue.state().waiting).toBe(0);
  });

  it("estimates Retry-After as the waiting requests' time at the recent pace", async () => {
    const queue = new InferenceQueue(1, 5);
    await queue.run(() => new Promise((resolve) => setTimeout(resolve, 600)));
    for (let n = 0; n < 5; n++) queue.enter();
    // 5 waiting × at least 0.6 s each on one lane
    expect(queue.retryAfterSeconds()).toBeGreaterThanOrEqual(3);
  });

  it("frees the lane when a request fails, and passes the failure to its caller", async () => {
    const queue = new InferenceQueue(1, 2);
    await expect(queue.run(async () => Promise.reject(new Error("thread stopped")))).rejects.toThrow("thread stopped");
    expect(await queue.run(async (lane) => lane)).toBe(0);
  });
});
