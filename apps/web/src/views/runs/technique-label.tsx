/** A technique as "T1059 Command and Scripting Interpreter" (the name muted). */
export function TechniqueLabel({ id, name }: { id: string; name?: string | null }) {
  return (
    <>
      <span className="mono">{id}</span>
      {name && <span className="technique-name"> {name}</span>}
    </>
  );
}
