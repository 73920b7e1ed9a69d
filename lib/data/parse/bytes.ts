/** ASCII codes the byte-level parsers and writers compare against. */
export const NL = 10;
export const CR = 13;
export const TAB = 9;
export const SPACE = 32;
export const COMMA = 44;
export const DOT = 46;
export const ZERO = 48;
export const COLON = 58;
