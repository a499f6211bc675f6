/**
 * Compile-time agreement between a wire type written as a TypeScript interface (what the
 * service and the dashboard code against) and the zod schema that describes it in the OpenAPI
 * document: `true satisfies SameShape<z.output<typeof schema>, Interface>` fails to compile
 * when a field is added, removed or retyped on one side only.
 */
export type SameShape<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
