import { Navigate, Route, Routes } from "react-router";
import { homePath, isStaff, RequireSession, SessionProvider, useUser } from "./auth/session";
import { Layout } from "./components/Layout";
import { LoginPage } from "./pages/LoginPage";
import { MyTicketsPage } from "./pages/MyTicketsPage";
import { NewTicketPage } from "./pages/NewTicketPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { QueuePage } from "./pages/QueuePage";
import { TicketPage } from "./pages/TicketPage";

function Home() {
  const user = useUser();
  return <Navigate to={homePath(user)} replace />;
}

function StaffOnly({ children }: { children: React.ReactNode }) {
  const user = useUser();
  return isStaff(user) ? <>{children}</> : <Navigate to="/tickets" replace />;
}

export function App() {
  return (
    <SessionProvider>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
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
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </SessionProvider>
  );
}
