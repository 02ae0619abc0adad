SELECT Country || '/' || ProductNo FROM sales WHERE TransactionNo = '581494' AND Quantity > 12
