// The questions IOS asks during `copy` and `delete`, with the answers that accept the defaults.
export const COPY_QUESTIONS = [
  { prompt: /Destination filename \[[^\]]*\]\?\s*$/, reply: '' },
  { prompt: /over\s?write\? \[confirm\]\s*$/i, reply: '' },
];

export const DELETE_QUESTIONS = [
  { prompt: /Delete filename \[[^\]]*\]\?\s*$/, reply: '' },
  { prompt: /\[confirm\]\s*$/, reply: '' },
];
