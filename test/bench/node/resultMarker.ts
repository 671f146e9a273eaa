/** Marks the result line a Node part prints on stdout, among anything a library might print. */
export const RESULT_MARKER = '@@bench-result ';
