import type { MouseEvent } from 'react';

import { TokenDialog } from './components/token-dialog';
import { hashHref, useRoute, type Route } from './routing/hash-route';
import { ClassifyView } from './views/classify/classify-view';
import { CompareView } from './views/compare/compare-view';
import { ExperimentView } from './views/experiments/experiment-view';
import { ExperimentsView } from './views/experiments/experiments-view';
import { LeaderboardView } from './views/leaderboard/leaderboard-view';
import { ModelView } from './views/models/model-view';
import { ModelsView } from './views/models/models-view';
import { RunView } from './views/runs/run-view';
import { TechniquesView } from './views/techniques/techniques-view';

const SECTIONS = [
  { segment: 'experiments', label: 'Experiments' },
  { segment: 'leaderboard', label: 'Leaderboard' },
  { segment: 'techniques', label: 'Techniques' },
  { segment: 'compare', label: 'Compare' },
  { segment: 'models', label: 'Models' },
  { segment: 'classify', label: 'Classify' },
] as const;

export function App() {
  const route = useRoute();
  const section = route.segments[0] ?? 'experiments';

  return (
    <>
      <a className="skip-link" href="#main" onClick={focusMain}>
        Skip to content
      </a>
      <header className="site-header">
        <a className="brand" href={hashHref(['experiments'])}>
          ttpgrid
        </a>
        <nav aria-label="Views">
          <ul>
            {SECTIONS.map((item) => (
              <li key={item.segment}>
                <a
                  href={hashHref([item.segment])}
                  aria-current={section === item.segment ? 'page' : undefined}
                >
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <TokenDialog />
      <main id="main" tabIndex={-1}>
        <CurrentView route={route} />
      </main>
    </>
  );
}

/** The skip link must not change the hash: the hash is the router's. */
function focusMain(event: MouseEvent) {
  event.preventDefault();
  document.getElementById('main')?.focus();
}

function CurrentView({ route }: { route: Route }) {
  const [section, id] = route.segments;
  switch (section) {
    case undefined:
    case 'experiments':
      return id ? <ExperimentView experimentId={id} /> : <ExperimentsView route={route} />;
    case 'leaderboard':
      return <LeaderboardView route={route} />;
    case 'techniques':
      return <TechniquesView route={route} />;
    case 'runs':
      return id ? <RunView runId={id} /> : <p>Choose a run from an experiment.</p>;
    case 'compare':
      return <CompareView route={route} />;
    case 'models':
      return id ? <ModelView key={id} modelId={id} /> : <ModelsView />;
    case 'classify':
      // A new ?model= starts a fresh form for that model.
      return <ClassifyView key={route.params.get('model') ?? ''} route={route} />;
    default:
      return (
        <p>
          There is no view here. Go to <a href={hashHref(['experiments'])}>Experiments</a>.
        </p>
      );
  }
}
