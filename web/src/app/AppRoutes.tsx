// Every page of the app and who may see it.
import { Route, Routes } from "react-router";
import { AccountPage } from "@/features/account";
import { LoginPage, SignUpPage } from "@/features/auth";
import { PeoplePage } from "@/features/people";
import { MyTicketsPage, QueuePage } from "@/features/queue";
import { SettingsPage } from "@/features/settings";
import { NewTicketPage, TicketPage } from "@/features/tickets";
import { RequireSession } from "@/lib/session/RequireSession";
import { AdminOnly } from "./AdminOnly";
import { Home } from "./Home";
import { Layout } from "./Layout";
import { NotFoundPage } from "./NotFoundPage";
import { StaffOnly } from "./StaffOnly";
import { useRouteFocus } from "./useRouteFocus";

export function AppRoutes() {
  useRouteFocus();
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="/signup" element={<SignUpPage />} />
      <Route
        element={
          <RequireSession>
            <Layout />
          </RequireSession>
        }
      >
        <Route index element={<Home />} />
        <Route path="tickets" element={<MyTicketsPage />} />
        <Route path="tickets/new" element={<NewTicketPage />} />
        <Route path="tickets/:id" element={<TicketPage />} />
        <Route path="queue" element={<StaffOnly><QueuePage view="queue" /></StaffOnly>} />
        <Route path="breached" element={<StaffOnly><QueuePage view="breached" /></StaffOnly>} />
        <Route path="account" element={<AccountPage />} />
        <Route path="people" element={<AdminOnly><PeoplePage /></AdminOnly>} />
        <Route path="settings" element={<AdminOnly><SettingsPage /></AdminOnly>} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
