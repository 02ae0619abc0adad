SELECT sum(Quantity * 1), sum(Price + '0'), max(CustomerNo + '1') FROM sales
