"use client";

import { useId, type ReactNode } from "react";
import { Checkbox as RadixCheckbox } from "radix-ui";

interface CheckboxProps {
  checked: boolean | "indeterminate";
  onCheckedChange: (checked: boolean) => void;
  /** The text beside the box; clicking it toggles the box too. */
  label?: ReactNode;
  "aria-label"?: string;
  id?: string;
  name?: string;
  value?: string;
  disabled?: boolean;
}

/** The one checkbox of the app: Radix's (role="checkbox", Space toggles, an indeterminate state for "some selected"). */
export function Checkbox({ checked, onCheckedChange, label, id, name, value, disabled, ...aria }: CheckboxProps) {
  const generatedId = useId();
  const boxId = id ?? generatedId;
  const box = (
    <RadixCheckbox.Root
      id={boxId}
      className="ui-checkbox"
      checked={checked}
      onCheckedChange={(next) => onCheckedChange(next === true)}
      name={name}
      value={value}
      disabled={disabled}
      aria-label={aria["aria-label"]}
    >
      <RadixCheckbox.Indicator className="ui-checkbox-mark" aria-hidden>
        {checked === "indeterminate" ? "–" : "✓"}
      </RadixCheckbox.Indicator>
    </RadixCheckbox.Root>
  );
  if (label === undefined) return box;
  return (
    <span className="ui-check-field">
      {box}
      <label htmlFor={boxId}>{label}</label>
    </span>
  );
}
