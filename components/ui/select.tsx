"use client";

import { useId, type ReactNode } from "react";
import { Select as RadixSelect } from "radix-ui";

export interface SelectOption {
  value: string;
  label: ReactNode;
  /** Plain text for type-ahead and the closed trigger when `label` is not a string. */
  textValue?: string;
  disabled?: boolean;
}

/** Radix items may not have "" as a value; ours ("any", "none") may, so it travels under this stand-in. */
const EMPTY_VALUE = "\u0000empty";
const encode = (value: string) => (value === "" ? EMPTY_VALUE : value);
const decode = (value: string) => (value === EMPTY_VALUE ? "" : value);

interface SelectProps {
  value: string;
  onValueChange: (value: string) => void;
  options: readonly SelectOption[];
  /** A visible label above the control; omit it where the control sits in a <label> or has `aria-label`. */
  label?: ReactNode;
  "aria-label"?: string;
  id?: string;
  name?: string;
  disabled?: boolean;
  placeholder?: string;
  className?: string;
}

/**
 * The one drop-down of the app: Radix's accessible listbox (keyboard, type-ahead, screen readers)
 * with our look. Tests drive it as users do: click the combobox, then the option.
 */
export function Select({ value, onValueChange, options, label, id, name, disabled, placeholder, className, ...aria }: SelectProps) {
  const generatedId = useId();
  const triggerId = id ?? generatedId;
  const control = (
    <RadixSelect.Root value={encode(value)} onValueChange={(next) => onValueChange(decode(next))} disabled={disabled} name={name}>
      <RadixSelect.Trigger id={triggerId} className={`ui-select ${className ?? ""}`} aria-label={aria["aria-label"]}>
        <RadixSelect.Value placeholder={placeholder} />
        <RadixSelect.Icon className="ui-select-icon" aria-hidden>
          ▾
        </RadixSelect.Icon>
      </RadixSelect.Trigger>
      <RadixSelect.Portal>
        <RadixSelect.Content className="ui-select-content" position="popper" sideOffset={4}>
          <RadixSelect.Viewport className="ui-select-viewport">
            {options.map((option) => (
              <RadixSelect.Item key={option.value} value={encode(option.value)} disabled={option.disabled} className="ui-select-item" textValue={option.textValue}>
                <RadixSelect.ItemText>{option.label}</RadixSelect.ItemText>
                <RadixSelect.ItemIndicator className="ui-select-check" aria-hidden>
                  ✓
                </RadixSelect.ItemIndicator>
              </RadixSelect.Item>
            ))}
          </RadixSelect.Viewport>
        </RadixSelect.Content>
      </RadixSelect.Portal>
    </RadixSelect.Root>
  );
  if (label === undefined) return control;
  return (
    <span className="ui-field">
      <label htmlFor={triggerId}>{label}</label>
      {control}
    </span>
  );
}
