// asl-validator 4 ships no types: the one call the tests make.
declare module 'asl-validator' {
  interface AslValidation {
    isValid: boolean;
    errors: Array<{ message?: string }>;
    errorsText(separator?: string): string;
  }
  export default function aslValidator(definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }): AslValidation;
}
