import { useId, type ReactNode } from 'react';
import { IconAlertCircle } from './icons';
import { Label } from './input';

/** The props a Field hands to its control so the label, hint and error are announced with it. */
export interface FieldControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
  required?: boolean;
}

export interface FieldProps {
  label: ReactNode;
  /** Render the control with the given props: `{(p) => <Input {...p} name="email" />}`. */
  children: (control: FieldControlProps) => ReactNode;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  id?: string;
  className?: string;
}

/** Label + control + hint + error, wired with htmlFor, aria-describedby and aria-invalid. */
export function Field({ label, children, hint, error, required, id, className }: FieldProps) {
  const generated = useId();
  const controlId = id ?? generated;
  const hintId = hint ? `${controlId}-hint` : undefined;
  const errorId = error ? `${controlId}-error` : undefined;
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className}>
      <Label htmlFor={controlId} className="mb-1.5">
        {label}
      </Label>
      {children({ id: controlId, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined, required })}
      {hint ? (
        <p id={hintId} className="mt-1.5 text-xs text-fg-subtle">
          {hint}
        </p>
      ) : null}
      <FieldError id={errorId} message={error} />
    </div>
  );
}

/** An error line under a control; the container stays mounted so screen readers hear new errors. */
export function FieldError({ id, message }: { id?: string; message?: string }) {
  return (
    <div aria-live="polite">
      {message ? (
        <p id={id} className="mt-1.5 flex items-start gap-1.5 text-xs font-medium text-danger-fg">
          <IconAlertCircle className="mt-px size-3.5 shrink-0" />
          {message}
        </p>
      ) : null}
    </div>
  );
}
