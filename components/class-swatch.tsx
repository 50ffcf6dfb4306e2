import { CLASS_COLORS, CLASS_LABELS, isFacemaskClass } from "@/lib/domain/classes";

export function ClassSwatch({ name }: { name: string }) {
  const color = isFacemaskClass(name) ? CLASS_COLORS[name] : "#888";
  const label = isFacemaskClass(name) ? CLASS_LABELS[name] : name;
  return (
    <span className="class-swatch" title={name}>
      <span className="dot" style={{ background: color }} aria-hidden />
      {label}
    </span>
  );
}
