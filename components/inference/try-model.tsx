"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { BrowserBackendSetting, BrowserDetection, LoadedModel } from "@/lib/contracts/worker-messages";
import { classColor, classLabel } from "@/lib/domain/classes";
import { ClassSwatch } from "../class-swatch";
import { BackendNote } from "./backend-note";
import { BackendSelect } from "./backend-select";
import { sharedBrowserDetector, storedBackendSetting, type BrowserDetector } from "./browser-detector";
import { ModelSelect, type ModelChoice } from "./model-select";

/** Drop an image (or start the webcam) and see a model's detections computed in this browser, with the timings. */
export function TryModel({ models }: { models: ModelChoice[] }) {
  const detector = useRef<BrowserDetector | null>(null);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const video = useRef<HTMLVideoElement | null>(null);
  const [modelId, setModelId] = useState(models.find((m) => m.production)?.id ?? models[0]?.id ?? "");
  const [setting, setSetting] = useState<BrowserBackendSetting>("auto");
  const [loaded, setLoaded] = useState<LoadedModel | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<{ detections: BrowserDetection[]; inferenceMs: number; first: boolean } | null>(null);
  const [firstMs, setFirstMs] = useState<number | null>(null);
  const [live, setLive] = useState(false);
  const [runs, setRuns] = useState(0);

  const [webcam, setWebcam] = useState(false);
  // Browser-only facts are read after hydration, so the server's HTML and the first render agree.
  useEffect(() => {
    setSetting(storedBackendSetting());
    setWebcam(!!navigator.mediaDevices?.getUserMedia);
  }, []);
  // The tab's one worker: a model loaded here is still loaded in the editor, and the other way round.
  useEffect(() => {
    detector.current = sharedBrowserDetector();
  }, []);
  useEffect(() => {
    if (!modelId || !detector.current) return;
    let cancelled = false;
    setLoading(true);
    setError(null);
    setLoaded(null);
    setFirstMs(null);
    detector.current
      .load(modelId, setting)
      .then((model) => !cancelled && setLoaded(model))
      .catch((e: Error) => !cancelled && setError(e.message))
      .finally(() => !cancelled && setLoading(false));
    return () => {
      cancelled = true;
    };
  }, [modelId, setting]);

  const draw = useCallback((source: CanvasImageSource, width: number, height: number, detections: BrowserDetection[]) => {
    const c = canvas.current;
    if (!c) return;
    c.width = width;
    c.height = height;
    const g = c.getContext("2d")!;
    g.drawImage(source, 0, 0, width, height);
    g.lineWidth = Math.max(2, width / 300);
    const fontPx = Math.max(12, Math.round(width / 45));
    g.font = `600 ${fontPx}px system-ui, sans-serif`;
    g.textBaseline = "top";
    for (const d of detections) {
      const color = classColor(d.className);
      g.strokeStyle = color;
      g.strokeRect(d.box.xmin, d.box.ymin, d.box.xmax - d.box.xmin, d.box.ymax - d.box.ymin);
    }
    // Labels after every box, as white text on a class-coloured tag (readable on any photo),
    // above the box where there is room, else inside its top edge.
    for (const d of detections) {
      const text = `${classLabel(d.className)} ${d.score.toFixed(2)}`;
      const padding = Math.round(fontPx / 4);
      const tagWidth = g.measureText(text).width + padding * 2;
      const tagHeight = fontPx + padding * 2;
      const x = Math.min(Math.max(0, d.box.xmin), Math.max(0, width - tagWidth));
      const y = d.box.ymin >= tagHeight ? d.box.ymin - tagHeight : d.box.ymin;
      g.fillStyle = classColor(d.className);
      g.fillRect(x, y, tagWidth, tagHeight);
      g.fillStyle = "#ffffff";
      g.fillText(text, x + padding, y + padding);
    }
  }, []);

  const run = useCallback(
    async (source: ImageBitmapSource, width: number, height: number, shown: CanvasImageSource) => {
      if (!detector.current || !loaded) return;
      const bitmap = await createImageBitmap(source);
      const answer = await detector.current.detect(bitmap);
      if (answer.first) setFirstMs(answer.inferenceMs);
      setResult(answer);
      setRuns((n) => n + 1);
      draw(shown, width, height, answer.detections);
    },
    [draw, loaded],
  );

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setError(null);
    try {
      const shown = await createImageBitmap(file);
      await run(shown, shown.width, shown.height, shown);
    } catch (e) {
      setError(`could not read ${file.name}: ${(e as Error).message}`);
    }
  };

  useEffect(() => {
    if (!live) return;
    let stopped = false;
    let stream: MediaStream | null = null;
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: true });
        const v = video.current!;
        v.srcObject = stream;
        await v.play();
        while (!stopped) await run(v, v.videoWidth, v.videoHeight, v);
      } catch (e) {
        setError(`webcam: ${(e as Error).message}`);
        setLive(false);
      }
    })();
    return () => {
      stopped = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [live, run]);

  return (
    <>
      <div className="toolbar">
        <label>
          Model{" "}
          <ModelSelect label="Model" models={models} value={modelId} onChange={setModelId} />
        </label>
        <label>
          Backend{" "}
          <BackendSelect label="Backend" value={setting} onChange={setSetting} />
        </label>
        <label className="secondary">
          Image <input type="file" accept="image/*" aria-label="Image to detect on" disabled={!loaded} onChange={(e) => {
              void onFile(e.target.files?.[0]);
              e.target.value = ""; // choosing the same file again runs it again
            }} />
        </label>
        {webcam ? (
          <button type="button" className="secondary" disabled={!loaded} onClick={() => setLive((on) => !on)}>
            {live ? "Stop webcam" : "Use webcam"}
          </button>
        ) : null}
      </div>
      <dl className="stats" aria-label="In-browser inference" data-runs={runs}>
        <div>
          <dt>Runtime</dt>
          <dd data-testid="runtime">{loaded ? loaded.runtime : loading ? "loading…" : "–"}</dd>
        </div>
        <div>
          <dt>Backend</dt>
          <dd data-testid="backend">{loaded ? loaded.backend : loading ? "loading…" : "–"}</dd>
        </div>
        <div>
          <dt>Cold load</dt>
          <dd>{loaded ? `${loaded.coldLoadMs.toFixed(0)} ms${loaded.cached ? " (cached)" : ""}` : "–"}</dd>
        </div>
        <div>
          <dt>First inference</dt>
          <dd>{firstMs === null ? "–" : `${firstMs.toFixed(0)} ms`}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd data-testid="latency">{result ? `${result.inferenceMs.toFixed(0)} ms` : "–"}</dd>
        </div>
        <div>
          <dt>Detections</dt>
          <dd data-testid="detection-count">{result ? result.detections.length : "–"}</dd>
        </div>
      </dl>
      {loaded ? <BackendNote loaded={loaded} /> : null}
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
      <div
        className="drop-zone"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          void onFile(e.dataTransfer.files[0]);
        }}
      >
        <canvas ref={canvas} aria-label="Detections" style={{ display: "block", width: "100%", height: "auto", maxHeight: "70vh", objectFit: "contain" }} />
        {!result ? <p className="muted">Drop an image here, or pick one above. It never leaves this browser.</p> : null}
      </div>
      <video ref={video} hidden muted playsInline />
      {result && result.detections.length === 0 ? (
        <p className="notice" role="status" data-testid="no-detections">
          No faces found in this image: the model returned no box above its score threshold. Try another photo, or a model with better test-split recall on the <a href="/models">Models page</a>.
        </p>
      ) : null}
      {result && result.detections.length > 0 ? (
        <table className="table" aria-label="Detections in this browser" data-detections={JSON.stringify(result.detections)}>
          <thead>
            <tr>
              <th>Class</th>
              <th className="num">Score</th>
              <th className="num">Box (x, y, w, h)</th>
            </tr>
          </thead>
          <tbody>
            {result.detections.map((d, i) => (
              <tr key={i}>
                <td>
                  <ClassSwatch name={d.className} />
                </td>
                <td className="num">{d.score.toFixed(3)}</td>
                <td className="num">
                  {Math.round(d.box.xmin)}, {Math.round(d.box.ymin)}, {Math.round(d.box.xmax - d.box.xmin)}, {Math.round(d.box.ymax - d.box.ymin)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
