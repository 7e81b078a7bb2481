"""ciw's Node and Server made fast for many servers, with the same behaviour: ``FastNode`` finds its next end of
service in a heap and a free server on a stack instead of scanning every server after every event (see "Speed" in the
package docstring)."""

from __future__ import annotations

import heapq
import math
from typing import Any

import ciw


class FastServer(ciw.Server):  # type: ignore[misc]
    """A ciw server that files its end-of-service date in its node's heap when one is set."""

    def __init__(self, node: Any, id_number: int, start_date: float = 0.0) -> None:
        self._end = math.inf
        self._tick = 0
        super().__init__(node, id_number, start_date)

    @property
    def next_end_service_date(self) -> float:
        return self._end

    @next_end_service_date.setter
    def next_end_service_date(self, value: float) -> None:
        self._end = value
        if value != math.inf:
            node = self.node
            node._tick += 1
            self._tick = node._tick
            heapq.heappush(node._ends, (value, node._tick, self))


class FastNode(ciw.Node):  # type: ignore[misc]
    """A ciw node (FCFS, no schedules, reneging, priorities or blocking) that finds its next end of service in a heap
    and a free server on a stack, instead of scanning every server after every event of the simulation."""

    next_individual: Any

    def __init__(self, id_: int, simulation: Any) -> None:
        self._ends: list[tuple[float, int, FastServer]] = []
        self._tick = 0
        self._newcomer: Any = None
        super().__init__(id_, simulation)
        if self.schedule is not None or self.reneging or self.dynamic_classes or math.isinf(self.c):
            raise ValueError("FastNode models a plain FCFS node with a fixed number of servers")
        self._free: list[FastServer] = list(reversed(self.servers))

    def accept(self, next_individual: Any, completed: bool = False) -> None:
        self._newcomer = next_individual
        super().accept(next_individual, completed)
        self._newcomer = None

    def choose_next_customer(self) -> Any:
        waiting = self.number_of_individuals - self.number_in_service
        if waiting <= 0 or not self._free:
            return None  # nobody waits, or nobody can start: ciw would start no service either
        if waiting == 1 and self._newcomer is not None:
            return self._newcomer  # the only one waiting is the one arriving
        return super().choose_next_customer()

    def find_free_server(self, ind: Any) -> Any:
        return self._free[-1] if self._free else None

    def attach_server(self, server: Any, individual: Any) -> None:
        free = self._free
        if free and free[-1] is server:
            free.pop()
        else:
            free.remove(server)
        super().attach_server(server, individual)

    def detatch_server(self, server: Any, individual: Any) -> None:  # ciw's spelling
        super().detatch_server(server, individual)
        self._free.append(server)

    def update_next_event_date(self) -> None:
        heap = self._ends
        while heap:
            date, tick, server = heap[0]
            if server._tick == tick and server._end == date:
                self.next_event_date = date
                self.next_individual = [server.cust]
                self.next_event_type = "end_service"
                return
            heapq.heappop(heap)  # a service that has ended since
        self.next_event_date = math.inf
        self.next_individual = None
        self.next_event_type = "end_service"
