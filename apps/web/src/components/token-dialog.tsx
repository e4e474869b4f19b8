import { useId, useState, useSyncExternalStore, type FormEvent } from 'react';

import { saveToken, subscribeToken, tokenState } from '../api/token';

/** Asks for the read token once the API has refused a request; the tab keeps it afterwards. */
export function TokenDialog() {
  const required = useSyncExternalStore(subscribeToken, () => tokenState().required);
  const [value, setValue] = useState('');
  const inputId = useId();
  const labelId = useId();

  if (!required) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (value.trim()) saveToken(value.trim());
  };

  return (
    <section className="token-dialog" role="dialog" aria-modal="false" aria-labelledby={labelId}>
      <form onSubmit={submit}>
        <label id={labelId} htmlFor={inputId}>
          The API needs an access token to read results
        </label>
        <div className="inline-form">
          <input
            id={inputId}
            type="password"
            autoComplete="off"
            autoFocus
            value={value}
            onChange={(event) => setValue(event.target.value)}
          />
          <button type="submit">Use token</button>
        </div>
        <p className="note">Kept in this browser tab only (sessionStorage).</p>
      </form>
    </section>
  );
}
