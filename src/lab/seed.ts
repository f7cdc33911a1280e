export async function labSeed(..._a: unknown[]): Promise<void> { throw new Error("lab: seed not written yet"); }
