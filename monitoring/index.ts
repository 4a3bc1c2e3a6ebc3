// The monitoring stack (fleet.yaml's monitoring account): only the organization view, composed
// from the validated config. The rollout runs it before any cell and hands each Region's sink ARN
// to that Region's cells, whose links need it.
import { healthMetrics } from "../components/healthWatch/managedNodeHealthWatch";
import { OrganizationView } from "../components/organizationView/organizationView";
import { loadOrganizationViewConfig } from "../config";

const config = loadOrganizationViewConfig();
const view = new OrganizationView("organization", { ...config, metrics: healthMetrics });

export const sinkArns = view.sinkArns;
export const organizationDashboardName = view.dashboardName;
