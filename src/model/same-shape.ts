/**
 * Compile-time agreement between a wire type written as a TypeScript interface (what the
 * service and the dashboard code against) and the zod schema that describes it in the OpenAPI
 * document: `true satisfies SameShape<z.output<typeof schema>, Interface>` fails to compile
 * when a field is added, removed, made optional or retyped on one side only, at any depth
 * (exact equality of the two types with intersections flattened, not mere assignability: an
 * optional field only one side has is caught too).
 */
export type SameShape<A, B> = (<T>() => T extends Plain<A> ? 1 : 2) extends <T>() => T extends Plain<B> ? 1 : 2 ? true : false;

/** The type with every object (and intersection of objects) rewritten as one flat object, recursively. */
type Plain<T> = T extends object ? { [K in keyof T]: Plain<T[K]> } : T;
