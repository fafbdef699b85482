// The signed-in person as RequireAuth last saw them: pages inside it never see "no one",
// even for the moment between a sign-out and the move to the login page.
import { createContext, useContext } from "react";
import type { Me } from "../api/types";

export const CurrentUserContext = createContext<Me | null>(null);

export function useCurrentUser(): Me {
  const me = useContext(CurrentUserContext);
  if (!me) throw new Error("useCurrentUser() is for pages inside <RequireAuth>");
  return me;
}
