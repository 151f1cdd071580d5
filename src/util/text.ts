// Short quotes of a process's output for error messages: the last lines say what went wrong.

/** The last `n` lines (trimmed) of `text`, joined with "; " to fit one message line. */
export const lastLines = (text: string | undefined, n = 5): string =>
  String(text ?? '')
    .trim()
    .split('\n')
    .slice(-n)
    .join('; ');
