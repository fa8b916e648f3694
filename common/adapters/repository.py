"""One generic repository: a collection of one model, by document id, on a Store.

The common operations live here once (get, get_many, put, put_many, delete, find, count);
each collection's repository adds only its specific queries, written as Query values, so
the same code runs on Firestore and on the unit tests' dictionary.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, Iterable, TypeVar

from pydantic import BaseModel

from .store import Query, Store, to_doc, valid_id

M = TypeVar("M", bound=BaseModel)


class Repository(Generic[M]):
    collection: ClassVar[str]
    model: ClassVar[type[BaseModel]]
    key: ClassVar[str] = "id"  # the model's field that is its document id

    def __init__(self, store: Store, collection: str | None = None) -> None:
        self.store = store
        self.path = collection or type(self).collection

    # -- how a model becomes a document and back (a repository may add fields) ------------
    def id_of(self, item: M) -> str:
        return str(getattr(item, self.key))

    def encode(self, item: M) -> dict[str, Any]:
        return to_doc(item)

    def decode(self, doc_id: str, data: dict[str, Any]) -> M:
        return self.model.model_validate(data)  # type: ignore[return-value]

    def doc(self, doc_id: str) -> str:
        return f"{self.path}/{doc_id}"

    # -- the common operations ------------------------------------------------------------
    def get(self, doc_id: str) -> M | None:
        if not valid_id(doc_id):  # an id from a URL that no document can have
            return None
        data = self.store.get(self.doc(doc_id))
        return None if data is None else self.decode(doc_id, data)

    def get_many(self, doc_ids: Iterable[str]) -> dict[str, M]:
        """The documents that exist, in one batched read."""
        wanted = [i for i in dict.fromkeys(doc_ids) if valid_id(i)]  # unique, order kept
        if not wanted:
            return {}
        found = self.store.get_all([self.doc(i) for i in wanted])
        return {i: self.decode(i, found[self.doc(i)]) for i in wanted if self.doc(i) in found}

    def get_with(self, doc_id: str, *others: tuple["Repository[Any]", str]) -> list[Any]:
        """This document and others of any collection, in one batched read (one round trip):
        each the model, or None where it does not exist."""
        wanted = [(self, doc_id), *others]
        found = self.store.get_all([r.doc(i) for r, i in wanted if valid_id(i)])
        return [r.decode(i, found[r.doc(i)]) if valid_id(i) and r.doc(i) in found else None for r, i in wanted]

    def put(self, item: M) -> None:
        self.store.set(self.doc(self.id_of(item)), self.encode(item))

    def put_many(self, items: Iterable[M]) -> None:
        self.store.set_all([(self.doc(self.id_of(i)), self.encode(i)) for i in items])

    def delete(self, doc_id: str) -> None:
        if valid_id(doc_id):
            self.store.delete(self.doc(doc_id))

    # -- queries --------------------------------------------------------------------------
    def query(self) -> Query:
        return Query(self.path)

    def where(self, path: str, op: str, value: Any) -> Query:
        return self.query().where(path, op, value)

    def find(self, query: Query) -> list[M]:
        return [self.decode(doc_id, data) for doc_id, data in self.store.query(query)]

    def count_matching(self, query: Query) -> int:
        return int(self.store.aggregate(query, {"n": ("count", None)})["n"])
