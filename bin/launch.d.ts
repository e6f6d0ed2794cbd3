export const ROOT: string;
export function builtIsFresh(): boolean;
export function entryArgs(): string[];
