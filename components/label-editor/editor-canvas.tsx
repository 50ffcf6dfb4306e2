"use client";

import type Konva from "konva";
import { useEffect, useRef, useState } from "react";
import { Group, Image as KonvaImage, Label, Layer, Line, Rect, Stage, Tag, Text, Transformer } from "react-konva";
import { classColor, classLabel } from "@/lib/domain/classes";
import type { EditorBox } from "@/lib/domain/editor-commands";
import {
  boxAt,
  boxFromCorners,
  fitToScreen,
  imagePoint,
  moveBox,
  pan,
  screenPoint,
  screenToImage,
  zoomAt,
  type ImagePoint,
  type Viewport,
} from "@/lib/domain/editor-geometry";
import { showsBoxLabel, type LabelMode } from "@/lib/domain/editor-labels";
import { editorHearsKey } from "@/lib/domain/editor-key-target";
import { meetsMinimumBoxSize, type PixelBox } from "@/lib/domain/box";
import { focusedControlOf } from "./focused-control";

/** A class name's tag, on screen pixels whatever the zoom: class-coloured, white text. */
const LABEL_FONT_PX = 12;
const LABEL_PADDING_PX = 2;
/** How far either side of a thin outline still grabs its box, in screen pixels. */
const BOX_HIT_PX = 6;

interface Props {
  imageUrl: string;
  width: number;
  height: number;
  boxes: EditorBox[];
  hiddenClasses: ReadonlySet<string>;
  selectedId: string | null;
  /** the box under the pointer, here or in the box list */
  hoveredId: string | null;
  /** "hover": class names only on the hovered and selected box; "all": on every box large enough (L) */
  labelMode: LabelMode;
  /** bumps to re-fit the image (the F key) */
  fitSignal: number;
  /** "drag": press, drag, release; "clicks": click one corner, then the other */
  drawMode: "drag" | "clicks";
  onSelect: (id: string | null) => void;
  onHover: (id: string | null) => void;
  onCreate: (box: PixelBox) => void;
  onChange: (id: string, box: PixelBox) => void;
  /** a model's boxes drawn over the image, never part of the labels: preview detections or pending suggestions */
  overlay?: ReadonlyArray<{ id: string; className: string; score: number; box: PixelBox; focused: boolean }>;
}


/**
 * The Konva canvas: the image, its boxes (in image pixels inside a scaled group), a crosshair,
 * drag-to-draw, move/resize of the selected box, wheel zoom around the cursor, and panning with
 * Space+drag or the middle button. It only reports edits; the document lives in the editor.
 */
export default function EditorCanvas({ imageUrl, width, height, boxes, hiddenClasses, selectedId, hoveredId, labelMode, fitSignal, drawMode, onSelect, onHover, onCreate, onChange, overlay = [] }: Props) {
  const containerRef = useRef<HTMLDivElement>(null);
  const transformerRef = useRef<Konva.Transformer>(null);
  const selectedRef = useRef<Konva.Rect>(null);
  const [size, setSize] = useState({ width: 800, height: 600 });
  const [viewport, setViewport] = useState<Viewport>({ scale: 1, offsetX: 0, offsetY: 0 });
  const [image, setImage] = useState<HTMLImageElement | null>(null);
  const [cursor, setCursor] = useState<ImagePoint | null>(null);
  const [drawFrom, setDrawFrom] = useState<ImagePoint | null>(null);
  const panning = useRef<{ x: number; y: number } | null>(null);
  const spaceDown = useRef(false);
  const pointed = useRef<string | null>(null);
  const shown = boxes.filter((b) => !hiddenClasses.has(b.className));

  useEffect(() => {
    const element = containerRef.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setSize({ width: entry!.contentRect.width, height: entry!.contentRect.height }));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const img = new window.Image();
    img.onload = () => setImage(img);
    img.src = imageUrl;
  }, [imageUrl]);

  useEffect(() => setViewport(fitToScreen({ width, height }, size)), [width, height, size, fitSignal]);

  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      if (e.code === "Space" && editorHearsKey(focusedControlOf(e.target), " ")) spaceDown.current = e.type === "keydown";
      if (e.key === "Escape") setDrawFrom(null);
    };
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", down);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", down);
    };
  }, []);

  useEffect(() => {
    const transformer = transformerRef.current;
    if (!transformer) return;
    transformer.nodes(selectedRef.current ? [selectedRef.current] : []);
    transformer.getLayer()?.batchDraw();
  }, [selectedId, boxes]);

  const toImage = (stage: Konva.Stage | null): ImagePoint | null => {
    const p = stage?.getPointerPosition();
    return p ? screenToImage(screenPoint(p.x, p.y), viewport) : null;
  };
  const clampToImage = (p: ImagePoint) => imagePoint(Math.min(Math.max(p.x, 0), width), Math.min(Math.max(p.y, 0), height));

  const onMouseDown = (e: Konva.KonvaEventObject<MouseEvent>) => {
    const stage = e.target.getStage();
    if (e.evt.button === 1 || spaceDown.current) {
      panning.current = { x: e.evt.clientX, y: e.evt.clientY };
      return;
    }
    if (e.evt.button !== 0) return;
    const onEmpty = e.target === stage || e.target.name() === "image";
    if (!onEmpty) return;
    onSelect(null);
    const p = toImage(stage);
    if (!p) return;
    if (drawMode === "clicks" && drawFrom) {
      finishDrawing(p);
      return;
    }
    setDrawFrom(clampToImage(p));
  };
  const finishDrawing = (p: ImagePoint) => {
    const box = drawFrom ? boxFromCorners(drawFrom, p, { width, height }) : null;
    setDrawFrom(null);
    if (box) onCreate(box);
  };
  const onMouseMove = (e: Konva.KonvaEventObject<MouseEvent>) => {
    if (panning.current) {
      const dx = e.evt.clientX - panning.current.x;
      const dy = e.evt.clientY - panning.current.y;
      panning.current = { x: e.evt.clientX, y: e.evt.clientY };
      setViewport((v) => pan(v, dx, dy));
      return;
    }
    const p = toImage(e.target.getStage());
    setCursor(p);
    pointAt(p);
  };
  // The box under the pointer, reported when it changes: the one whose class name shows.
  const pointAt = (p: ImagePoint | null) => {
    const id = p ? (boxAt(p, shown)?.id ?? null) : null;
    if (id === pointed.current) return;
    pointed.current = id;
    onHover(id);
  };
  const onMouseUp = (e: Konva.KonvaEventObject<MouseEvent>) => {
    panning.current = null;
    if (!drawFrom || drawMode === "clicks") return;
    const p = toImage(e.target.getStage());
    if (p) finishDrawing(p);
    else setDrawFrom(null);
  };
  const onMouseLeave = () => {
    setCursor(null);
    pointAt(null);
  };
  const onWheel = (e: Konva.KonvaEventObject<WheelEvent>) => {
    e.evt.preventDefault();
    const p = e.target.getStage()?.getPointerPosition();
    if (p) setViewport((v) => zoomAt(v, screenPoint(p.x, p.y), Math.pow(1.0015, -e.evt.deltaY)));
  };

  const draft = drawFrom && cursor ? boxFromCorners(drawFrom, clampToImage(cursor), { width, height }) : null;
  const stroke = 2 / viewport.scale;
  const hasText = (box: PixelBox, hovered: boolean, selected: boolean) =>
    showsBoxLabel({ screenWidth: (box.xmax - box.xmin) * viewport.scale, screenHeight: (box.ymax - box.ymin) * viewport.scale, hovered, selected, mode: labelMode });
  // Texts are drawn after every outline, the hovered and selected ones last, so no box hides them.
  const labelled = shown
    .filter((b) => hasText(b, b.id === hoveredId, b.id === selectedId))
    .sort((a, b) => Number(a.id === hoveredId || a.id === selectedId) - Number(b.id === hoveredId || b.id === selectedId));
  const tagHeight = (LABEL_FONT_PX + 2 * LABEL_PADDING_PX) / viewport.scale;
  // Above the box, or just inside it when the box touches the image's top edge.
  const tagY = (box: PixelBox) => (box.ymin >= tagHeight ? box.ymin - tagHeight : box.ymin);
  return (
    <div ref={containerRef} className="editor-canvas" data-testid="editor-canvas" style={{ cursor: drawFrom ? "crosshair" : "default" }}>
      <Stage width={size.width} height={size.height} onMouseDown={onMouseDown} onMouseMove={onMouseMove} onMouseUp={onMouseUp} onMouseLeave={onMouseLeave} onWheel={onWheel}>
        <Layer>
          <Group x={viewport.offsetX} y={viewport.offsetY} scaleX={viewport.scale} scaleY={viewport.scale}>
            {image ? <KonvaImage image={image} width={width} height={height} name="image" /> : <Rect width={width} height={height} fill="#2a3038" name="image" />}
            {shown.map((b) => {
              const selected = b.id === selectedId;
              return (
                <Rect
                  key={b.id}
                  ref={selected ? selectedRef : undefined}
                  x={b.xmin}
                  y={b.ymin}
                  width={b.xmax - b.xmin}
                  height={b.ymax - b.ymin}
                  stroke={classColor(b.className)}
                  strokeWidth={selected ? stroke * 1.5 : stroke}
                  dash={b.source === "model" ? [6 / viewport.scale, 4 / viewport.scale] : undefined}
                  fill={selected ? "rgba(255,255,255,0.12)" : undefined}
                  draggable={selected}
                  hitStrokeWidth={BOX_HIT_PX / viewport.scale}
                  onMouseDown={(e) => {
                    if (e.evt.button === 0 && !spaceDown.current) {
                      e.cancelBubble = true;
                      onSelect(b.id);
                    }
                  }}
                  onDragEnd={(e) => {
                    const node = e.target;
                    onChange(b.id, moveBox(b, node.x() - b.xmin, node.y() - b.ymin, { width, height }));
                    node.position({ x: b.xmin, y: b.ymin });
                  }}
                  onTransformEnd={(e) => {
                    const node = e.target;
                    const next = {
                      xmin: Math.max(0, node.x()),
                      ymin: Math.max(0, node.y()),
                      xmax: Math.min(width, node.x() + node.width() * node.scaleX()),
                      ymax: Math.min(height, node.y() + node.height() * node.scaleY()),
                    };
                    node.scale({ x: 1, y: 1 });
                    if (meetsMinimumBoxSize(next)) onChange(b.id, next);
                  }}
                />
              );
            })}
            {labelled.map((b) => (
              <Label key={`label-${b.id}`} x={b.xmin} y={tagY(b)} listening={false}>
                <Tag fill={classColor(b.className)} opacity={0.9} cornerRadius={2 / viewport.scale} />
                <Text text={classLabel(b.className) + (b.difficult ? " · difficult" : "")} fontSize={LABEL_FONT_PX / viewport.scale} padding={LABEL_PADDING_PX / viewport.scale} fill="#ffffff" />
              </Label>
            ))}
            {overlay.map((o) => (
              <Group key={`overlay-${o.id}`} listening={false}>
                <Rect x={o.box.xmin} y={o.box.ymin} width={o.box.xmax - o.box.xmin} height={o.box.ymax - o.box.ymin} stroke={o.focused ? "#ffffff" : classColor(o.className)} strokeWidth={o.focused ? stroke * 1.8 : stroke} dash={[3 / viewport.scale, 3 / viewport.scale]} />
                {hasText(o.box, false, o.focused) ? (
                  <Text x={o.box.xmin} y={o.box.ymax + 2 / viewport.scale} text={`${classLabel(o.className)} ${o.score.toFixed(2)}`} fontSize={11 / viewport.scale} fill={o.focused ? "#ffffff" : classColor(o.className)} />
                ) : null}
              </Group>
            ))}
            {draft ? <Rect x={draft.xmin} y={draft.ymin} width={draft.xmax - draft.xmin} height={draft.ymax - draft.ymin} stroke="#ffffff" dash={[4 / viewport.scale, 3 / viewport.scale]} strokeWidth={stroke} listening={false} /> : null}
            {cursor && !panning.current ? (
              <>
                <Line points={[cursor.x, 0, cursor.x, height]} stroke="rgba(255,255,255,0.5)" strokeWidth={1 / viewport.scale} listening={false} />
                <Line points={[0, cursor.y, width, cursor.y]} stroke="rgba(255,255,255,0.5)" strokeWidth={1 / viewport.scale} listening={false} />
              </>
            ) : null}
          </Group>
          <Transformer ref={transformerRef} rotateEnabled={false} keepRatio={false} ignoreStroke flipEnabled={false} boundBoxFunc={(oldBox, newBox) => (newBox.width < 4 || newBox.height < 4 ? oldBox : newBox)} />
        </Layer>
      </Stage>
    </div>
  );
}
