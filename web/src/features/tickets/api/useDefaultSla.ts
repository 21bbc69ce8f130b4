import type { Priority } from "@/lib/api/types";
import { isStaff } from "@/lib/session/roles";
import { useUser } from "@/lib/session/useSession";
import { useSlaPolicies } from "@/lib/slaPolicies";
import { useLimits } from "@/lib/uiConfig";

/** Each priority's resolution target in minutes, as a new ticket (or a change of priority)
 * gets it: the policy an admin last set (agents and admins may read the policies), else
 * ui-config's defaults; undefined until either has loaded. */
export function useDefaultSla() {
  const user = useUser();
  const limits = useLimits();
  const policies = useSlaPolicies({ enabled: isStaff(user) });
  const policy = (priority: Priority) => policies.data?.find((candidate) => candidate.priority === priority);
  return {
    policy,
    minutes: (priority: Priority): number | undefined => policy(priority)?.resolution_minutes ?? limits?.default_sla_minutes[priority],
  };
}
