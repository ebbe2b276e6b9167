'use client';

import { useFormStatus } from 'react-dom';
import { Button, type ButtonProps } from './button';

/** A submit button that shows the pending state of its enclosing `<form action={…}>`. */
export function SubmitButton(props: Omit<ButtonProps, 'type' | 'isPending'>) {
  const { pending } = useFormStatus();
  return <Button {...props} type="submit" isPending={pending} />;
}
