/** What a form's server action answers: a message for the whole form and/or per field. */
export interface FormState {
  error?: string;
  fieldErrors?: Record<string, string>;
  /** A one-time value to show after success (a newly created API token). */
  secret?: string;
  message?: string;
  /** What was submitted, shown again after a refusal (React resets a form after its action). */
  values?: Record<string, string>;
}
