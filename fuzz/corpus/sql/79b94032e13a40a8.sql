SELECT count(*), sum(Quantity) FROM sales WHERE TransactionNo BETWEEN '700000' AND '700100'
