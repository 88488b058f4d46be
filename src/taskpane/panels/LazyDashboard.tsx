// The dashboard's charts (@fluentui/react-charts and its d3 modules, ~250 KB minified) are in their own chunks
// (dist/dashboard.js and a vendor chunk), so the pane's first paint does not wait for them; the browser prefetches
// them while idle after the pane loads (webpackPrefetch), and the dashboard appears only after validate or apply.
import { Suspense, lazy } from "react";
import { Spinner } from "@fluentui/react-components";
import { usePane } from "../context";
import type { DashboardProps } from "./Dashboard";

const Dashboard = lazy(() => import(/* webpackChunkName: "dashboard", webpackPrefetch: true */ "./Dashboard").then((m) => ({ default: m.Dashboard })));

export function LazyDashboard(props: DashboardProps): JSX.Element {
  const { t } = usePane();
  return (
    <Suspense fallback={<Spinner size="tiny" label={t("dash.title")} />}>
      <Dashboard {...props} />
    </Suspense>
  );
}
