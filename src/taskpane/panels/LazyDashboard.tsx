// The dashboard's charts (@fluentui/react-charts and its d3 modules, ~320 KB minified) load on first use, in
// their own chunk (dist/dashboard.js), so the pane opens as fast as before; the dashboard appears only after a
// validate or apply anyway.
import { Suspense, lazy } from "react";
import { Spinner } from "@fluentui/react-components";
import { usePane } from "../context";
import type { DashboardProps } from "./Dashboard";

const Dashboard = lazy(() => import(/* webpackChunkName: "dashboard" */ "./Dashboard").then((m) => ({ default: m.Dashboard })));

export function LazyDashboard(props: DashboardProps): JSX.Element {
  const { t } = usePane();
  return (
    <Suspense fallback={<Spinner size="tiny" label={t("dash.title")} />}>
      <Dashboard {...props} />
    </Suspense>
  );
}
