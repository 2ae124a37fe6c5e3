"""R-C2: stock is allocated atomically when an order is placed and never oversold."""

import threading

import pytest
from django.db import close_old_connections, connections
from oscar.core.loading import get_model

from shop.order.exceptions import LinesNoLongerAvailable
from shop.shipping.defaults import install_default_rules
from tests.factories import make_book
from tests.factories.orders import make_basket, place_order, reload_basket

Order = get_model("order", "Order")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def delivery_rules(db):
    install_default_rules()


def test_R_C2_placing_an_order_allocates_the_stock(delivery_rules):
    paperback, ebook = make_book(stock=3)
    order = place_order(make_basket((paperback, 2), ebook))

    record = StockRecord.objects.get(product=paperback)
    assert record.num_allocated == 2
    assert order.lines.count() == 2


def test_R_C2_a_line_beyond_the_stock_left_refuses_the_order_and_writes_nothing(delivery_rules):
    paperback, _ = make_book(stock=2, ebook=False)
    other, _ = make_book(stock=5, ebook=False)
    first = make_basket((paperback, 2))
    second = make_basket(other, (paperback, 1))  # added while a copy was still there
    place_order(first)

    with pytest.raises(LinesNoLongerAvailable) as refused:
        place_order(reload_basket(second))

    assert refused.value.titles == [paperback.get_title()]
    assert "No longer available" in str(refused.value)
    assert Order.objects.count() == 1
    assert StockRecord.objects.get(product=other).num_allocated in (None, 0)


def test_R_C2_ebooks_are_never_short(delivery_rules):
    _, ebook = make_book()
    place_order(make_basket((ebook, 3)))
    assert Order.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_R_C2_twenty_concurrent_checkouts_for_the_last_five_copies():
    """R-C2: 20 threads, each with its own connection, buy 1 of the last 5 copies at once."""
    install_default_rules()
    paperback, _ = make_book(stock=5, ebook=False)
    basket_ids = [make_basket(paperback).pk for _ in range(20)]
    start = threading.Barrier(len(basket_ids))
    outcomes, lock = [], threading.Lock()

    def buy(basket_id):
        try:
            from tests.factories.orders import Basket, Selector

            basket = Basket.objects.get(pk=basket_id)
            basket.strategy = Selector().strategy()
            start.wait(timeout=30)
            place_order(basket)
            outcome = "placed"
        except LinesNoLongerAvailable:
            outcome = "no longer available"
        except Exception as error:
            outcome = repr(error)
        finally:
            close_old_connections()
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=buy, args=(basket_id,)) for basket_id in basket_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["no longer available"] * 15 + ["placed"] * 5
    record = StockRecord.objects.get(product=paperback)
    assert record.num_allocated == 5
    assert record.num_in_stock - record.num_allocated == 0
    assert Order.objects.count() == 5
