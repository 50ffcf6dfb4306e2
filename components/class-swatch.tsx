import { classColor, classLabel } from "@/lib/domain/classes";

export function ClassSwatch({ name }: { name: string }) {
  return (
    <span className="class-swatch" title={name}>
      <span className="dot" style={{ background: classColor(name) }} aria-hidden />
      {classLabel(name)}
    </span>
  );
}
